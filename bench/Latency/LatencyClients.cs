using System.Diagnostics;
using System.Text.Json.Serialization;
using HdrHistogram;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Api.Live;
using Tracking.Bench.Infrastructure;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Bench.Latency;

/// <summary>
/// SignalR clients of <c>/hubs/live</c>, each watching every warehouse the benchmark times. Every item move in a delta whose item the benchmark
/// publishes is recorded once per client with its arrival time; <see cref="Time"/> then times each against its publish
/// timestamp, in microseconds. Timing afterwards lets the devices publish from another process, whose timestamps
/// arrive when the run is over.
/// </summary>
public sealed class LatencyClients : IAsyncDisposable
{
    private readonly List<HubConnection> _connections = [];
    private readonly IReadOnlySet<string> _timed;
    private readonly ItemStatus _timedStatus;
    private readonly List<Delivery>[] _deliveries;
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
    private long _samples;

    private LatencyClients(IReadOnlySet<string> timed, ItemStatus timedStatus, int count)
    {
        _timed = timed;
        _timedStatus = timedStatus;
        _seen = [.. Enumerable.Range(0, count).Select(_ => new HashSet<string>(StringComparer.Ordinal))];
        _deliveries = [.. Enumerable.Range(0, count).Select(_ => new List<Delivery>())];
    }

    public HistogramBase Histogram => _histogram;

    /// <summary>Stages of the first client's deliveries: publish → item committed (bridge, gate, item grain).</summary>
    public HistogramBase ToCommit => _toCommit;

    /// <summary>Item committed → delta flushed by the forwarder (live stream, feed, batching window).</summary>
    public HistogramBase ToFlush => _toFlush;

    /// <summary>Delta flushed → client callback (SignalR serialisation, WebSocket, client parsing).</summary>
    public HistogramBase ToClient => _toClient;

    public long Deltas => Interlocked.Read(ref _deltas);

    /// <summary>First deliveries of timed items so far, over all clients.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <param name="timedStatus">The status the timed change leaves an item in: an earlier change of a timed item (its receipt, before it moves) is not it.</param>
    public static async Task<LatencyClients> ConnectAsync(Uri baseAddress, IReadOnlyCollection<string> warehouses, int count, IReadOnlySet<string> timed, ItemStatus timedStatus = ItemStatus.Received)
    {
        var clients = new LatencyClients(timed, timedStatus, count);
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

    /// <summary>Times every recorded delivery against its item's publish timestamp (items never published are left out).</summary>
    public void Time(IReadOnlyDictionary<string, long> publishedAt)
    {
        ArgumentNullException.ThrowIfNull(publishedAt);
        for (var client = 0; client < _deliveries.Length; client++)
        {
            // A late delta (a resync) may still be adding to this client's list.
            lock (_seen[client])
            {
                foreach (var delivery in _deliveries[client])
                {
                    if (!publishedAt.TryGetValue(delivery.ItemId, out var at) || at == 0)
                    {
                        continue;
                    }

                    _histogram.RecordValue(Micros(Stopwatch.GetElapsedTime(at, delivery.ReceivedAt)));
                    if (client == 0)
                    {
                        var published = _wallBase + Stopwatch.GetElapsedTime(_tickBase, at);
                        var received = _wallBase + Stopwatch.GetElapsedTime(_tickBase, delivery.ReceivedAt);
                        _toCommit.RecordValue(Micros(delivery.CommittedAt - published));
                        _toFlush.RecordValue(Micros(delivery.FlushedAt - delivery.CommittedAt));
                        _toClient.RecordValue(Micros(received - delivery.FlushedAt));
                    }
                }
            }
        }
    }

    private static long Micros(TimeSpan span) => Math.Max(1, (long)span.TotalMicroseconds);

    private void OnDelta(int client, WarehouseDelta delta)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _deltas);
        var seen = _seen[client];
        var deliveries = _deliveries[client];
        lock (seen)
        {
            foreach (var move in delta.Moves)
            {
                // A move can come again in a resync: only its first delivery to each client counts.
                if (move.Status == _timedStatus && _timed.Contains(move.ItemId) && seen.Add(move.ItemId))
                {
                    deliveries.Add(new Delivery(move.ItemId, now, move.At, delta.At));
                    Interlocked.Increment(ref _samples);
                }
            }
        }
    }

    private readonly record struct Delivery(string ItemId, long ReceivedAt, DateTimeOffset CommittedAt, DateTimeOffset FlushedAt);
}
