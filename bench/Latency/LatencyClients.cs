using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using HdrHistogram;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Api.Live;
using Tracking.Bench.Infrastructure;

namespace Tracking.Bench.Latency;

/// <summary>
/// SignalR clients of <c>/hubs/live</c> watching one warehouse. Every item move in a delta whose item the benchmark
/// published is timed against its publish timestamp (once per client), in microseconds.
/// </summary>
public sealed class LatencyClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly ConcurrentDictionary<string, long> _published;
    private readonly LongConcurrentHistogram _histogram = new(1, 60_000_000, 3);
    private readonly ConcurrentDictionary<(int, string), byte> _seen = new();
    private long _deltas;

    private LatencyClients(ConcurrentDictionary<string, long> published) => _published = published;

    public HistogramBase Histogram => _histogram;

    public long Deltas => Interlocked.Read(ref _deltas);

    public long Samples => _histogram.TotalCount;

    public static async Task<LatencyClients> ConnectAsync(Uri baseAddress, string warehouse, int count, ConcurrentDictionary<string, long> published)
    {
        var clients = new LatencyClients(published);
        for (var i = 0; i < count; i++)
        {
            var client = i;
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(baseAddress, LiveHub.Path), o => o.Headers["X-Api-Key"] = BenchSilo.AdminKey)
                .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            connection.On<WarehouseDelta>("warehouseDelta", d => clients.OnDelta(client, d));
            await connection.StartAsync();
            await connection.InvokeAsync<WarehouseSnapshot>("JoinWarehouse", warehouse);
            clients._connections.Add(connection);
        }

        return clients;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private void OnDelta(int client, WarehouseDelta delta)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _deltas);
        foreach (var move in delta.Moves)
        {
            if (_published.TryGetValue(move.ItemId, out var at) && _seen.TryAdd((client, move.ItemId), 0))
            {
                _histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(at, now).TotalMicroseconds));
            }
        }
    }
}
