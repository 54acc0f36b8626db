using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Api.Live;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>A real SignalR client of <c>/hubs/live</c> that records every delta it receives, in order.</summary>
public sealed class LiveTestClient : IAsyncDisposable
{
    private readonly Channel<WarehouseDelta> _warehouseDeltas = Channel.CreateUnbounded<WarehouseDelta>();
    private readonly Channel<RegionDelta> _regionDeltas = Channel.CreateUnbounded<RegionDelta>();

    private LiveTestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<WarehouseDelta>("warehouseDelta", d => _warehouseDeltas.Writer.TryWrite(d));
        connection.On<RegionDelta>("regionDelta", d => _regionDeltas.Writer.TryWrite(d));
    }

    public HubConnection Connection { get; }

    public static async Task<LiveTestClient> ConnectAsync(TrackingHost host, string? apiKey = TrackingHost.AdminKey)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, LiveHub.Path), o =>
            {
                if (apiKey is not null)
                {
                    o.Headers["X-Api-Key"] = apiKey;
                }
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var client = new LiveTestClient(connection);
        try
        {
            await connection.StartAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return client;
    }

    public Task<WarehouseSnapshot> JoinWarehouseAsync(string code) => Connection.InvokeAsync<WarehouseSnapshot>("JoinWarehouse", code);

    public Task<RegionSnapshot> JoinRegionAsync(string code) => Connection.InvokeAsync<RegionSnapshot>("JoinRegion", code);

    /// <summary>The next warehouse delta (in arrival order), or a failure after the deadline.</summary>
    public async Task<WarehouseDelta> NextWarehouseDeltaAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _warehouseDeltas.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Reads deltas until one satisfies <paramref name="match"/>; returns every delta read, the match last.</summary>
    public async Task<List<WarehouseDelta>> WarehouseDeltasUntilAsync(Func<WarehouseDelta, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var read = new List<WarehouseDelta>();
        while (true)
        {
            var delta = await _warehouseDeltas.Reader.ReadAsync(cts.Token);
            read.Add(delta);
            if (match(delta))
            {
                return read;
            }
        }
    }

    public async Task<List<RegionDelta>> RegionDeltasUntilAsync(Func<RegionDelta, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var read = new List<RegionDelta>();
        while (true)
        {
            var delta = await _regionDeltas.Reader.ReadAsync(cts.Token);
            read.Add(delta);
            if (match(delta))
            {
                return read;
            }
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
