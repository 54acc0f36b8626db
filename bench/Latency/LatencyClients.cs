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
/// SignalR clients of <c>/hubs/live</c>, each watching every warehouse the benchmark times. Every item move in a delta whose item the benchmark
/// published is timed against its publish timestamp (once per client), in microseconds.
/// </summary>
public sealed class LatencyClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly ConcurrentDictionary<string, long> _published;
    private readonly LongConcurrentHistogram _histogram = new(1, 60_000_000, 3);
    // Per client, the items already timed (a move can come again in a resync). Sets, not a concurrent dictionary of
    // (client, item): one node object per entry was garbage the silo in this process had to collect.
    private readonly HashSet<string>[] _seen;
    private readonly LongConcurrentHistogram _toCommit = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _toFlush = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _toClient = new(1, 60_000_000, 3);

    // Maps Stopwatch timestamps to wall-clock time, so the item's commit time and the delta's flush time (stamped by the
    // silo in this process with the same clock) split each delivery into its stages.
    private readonly DateTimeOffset _wallBase = DateTimeOffset.UtcNow;
    private readonly long _tickBase = Stopwatch.GetTimestamp();
    private long _deltas;

    private LatencyClients(ConcurrentDictionary<string, long> published, int count)
    {
        _published = published;
        _seen = [.. Enumerable.Range(0, count).Select(_ => new HashSet<string>(StringComparer.Ordinal))];
    }

    public HistogramBase Histogram => _histogram;

    /// <summary>Stages of the first client's deliveries: publish → item committed (bridge, gate, item grain).</summary>
    public HistogramBase ToCommit => _toCommit;

    /// <summary>Item committed → delta flushed by the forwarder (live stream, feed, batching window).</summary>
    public HistogramBase ToFlush => _toFlush;

    /// <summary>Delta flushed → client callback (SignalR serialisation, WebSocket, client parsing).</summary>
    public HistogramBase ToClient => _toClient;

    public long Deltas => Interlocked.Read(ref _deltas);

    public long Samples => _histogram.TotalCount;

    public static async Task<LatencyClients> ConnectAsync(Uri baseAddress, IReadOnlyCollection<string> warehouses, int count, ConcurrentDictionary<string, long> published)
    {
        var clients = new LatencyClients(published, count);
        for (var i = 0; i < count; i++)
        {
            var client = i;
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(baseAddress, LiveHub.Path), o => o.Headers["X-Api-Key"] = BenchSilo.AdminKey)
                .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            connection.On<WarehouseDelta>("warehouseDelta", d => clients.OnDelta(client, d));
            await connection.StartAsync();
            foreach (var warehouse in warehouses)
            {
                await connection.InvokeAsync<WarehouseSnapshot>("JoinWarehouse", warehouse);
            }

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

    private bool FirstTime(int client, string itemId)
    {
        var seen = _seen[client];
        lock (seen)
        {
            return seen.Add(itemId);
        }
    }

    private static long Micros(TimeSpan span) => Math.Max(1, (long)span.TotalMicroseconds);

    private void OnDelta(int client, WarehouseDelta delta)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _deltas);
        foreach (var move in delta.Moves)
        {
            if (_published.TryGetValue(move.ItemId, out var at) && FirstTime(client, move.ItemId))
            {
                _histogram.RecordValue(Micros(Stopwatch.GetElapsedTime(at, now)));
                if (client == 0)
                {
                    var published = _wallBase + Stopwatch.GetElapsedTime(_tickBase, at);
                    var received = _wallBase + Stopwatch.GetElapsedTime(_tickBase, now);
                    _toCommit.RecordValue(Micros(move.At - published));
                    _toFlush.RecordValue(Micros(delta.At - move.At));
                    _toClient.RecordValue(Micros(received - delta.At));
                }
            }
        }
    }
}
