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
    // The timed items by their position in the published stream. Each client's deliveries go into arrays sized for
    // every timed item before the level starts: a record kept per delivery (the item's id as the client parsed it, a
    // set entry, a list slot) lived until the level ended, garbage for the silo in this process to copy in its
    // collections (about 0.3 KiB per message at 5,000 msgs/s with 5 clients, measured side by side).
    private readonly Dictionary<string, int> _timed;
    private readonly ItemStatus _timedStatus;
    private readonly Slots[] _deliveries;
    private readonly LongConcurrentHistogram _histogram = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _toCommit = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _toFlush = new(1, 60_000_000, 3);
    private readonly LongConcurrentHistogram _toClient = new(1, 60_000_000, 3);

    // Maps Stopwatch timestamps to wall-clock time, so the item's commit time and the delta's flush time (stamped by the
    // silo in this process with the same clock) split each delivery into its stages.
    private readonly DateTimeOffset _wallBase = DateTimeOffset.UtcNow;
    private readonly long _tickBase = Stopwatch.GetTimestamp();
    private long _deltas;
    private long _samples;

    private LatencyClients(IReadOnlyList<string> timed, ItemStatus timedStatus, int count)
    {
        _timed = new Dictionary<string, int>(timed.Count, StringComparer.Ordinal);
        foreach (var item in timed)
        {
            _timed.TryAdd(item, _timed.Count);
        }

        _timedStatus = timedStatus;
        _deliveries = [.. Enumerable.Range(0, count).Select(_ => new Slots(_timed.Count))];
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

    /// <param name="timed">The items to time, in the order they are published (see <see cref="Time"/>).</param>
    /// <param name="timedStatus">The status the timed change leaves an item in: an earlier change of a timed item (its receipt, before it moves) is not it.</param>
    public static async Task<LatencyClients> ConnectAsync(Uri baseAddress, IReadOnlyCollection<string> warehouses, int count, IReadOnlyList<string> timed, ItemStatus timedStatus = ItemStatus.Received)
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

    /// <summary>
    /// Times every recorded delivery against its item's publish timestamp: <paramref name="publishedAt"/> in the order
    /// of the timed items given to <see cref="ConnectAsync"/> (0: never published, left out).
    /// </summary>
    public void Time(IReadOnlyList<long> publishedAt)
    {
        ArgumentNullException.ThrowIfNull(publishedAt);
        for (var client = 0; client < _deliveries.Length; client++)
        {
            var slots = _deliveries[client];
            // A late delta (a resync) may still be writing to this client's slots.
            lock (slots)
            {
                for (var item = 0; item < slots.ReceivedAt.Length; item++)
                {
                    var at = item < publishedAt.Count ? publishedAt[item] : 0;
                    if (slots.ReceivedAt[item] == 0 || at == 0)
                    {
                        continue;
                    }

                    _histogram.RecordValue(Micros(Stopwatch.GetElapsedTime(at, slots.ReceivedAt[item])));
                    if (client == 0)
                    {
                        var published = _wallBase + Stopwatch.GetElapsedTime(_tickBase, at);
                        var received = _wallBase + Stopwatch.GetElapsedTime(_tickBase, slots.ReceivedAt[item]);
                        var committed = new DateTimeOffset(slots.CommittedAt[item], TimeSpan.Zero);
                        var flushed = new DateTimeOffset(slots.FlushedAt[item], TimeSpan.Zero);
                        _toCommit.RecordValue(Micros(committed - published));
                        _toFlush.RecordValue(Micros(flushed - committed));
                        _toClient.RecordValue(Micros(received - flushed));
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
        var slots = _deliveries[client];
        lock (slots)
        {
            foreach (var move in delta.Moves)
            {
                // A move can come again in a resync: only its first delivery to each client counts.
                if (move.Status == _timedStatus && _timed.TryGetValue(move.ItemId, out var item) && slots.ReceivedAt[item] == 0)
                {
                    slots.ReceivedAt[item] = now;
                    slots.CommittedAt[item] = move.At.UtcTicks;
                    slots.FlushedAt[item] = delta.At.UtcTicks;
                    Interlocked.Increment(ref _samples);
                }
            }
        }
    }

    /// <summary>One client's first delivery of each timed item: Stopwatch timestamp received, UTC ticks committed and flushed (0: not yet).</summary>
    private sealed class Slots(int items)
    {
        public long[] ReceivedAt { get; } = new long[items];

        public long[] CommittedAt { get; } = new long[items];

        public long[] FlushedAt { get; } = new long[items];
    }
}
