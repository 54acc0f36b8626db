using System.Diagnostics.Metrics;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>Tracking:Streams:CacheRetention (docs/decisions/0016): delivered live events do not pile up in the silo.</summary>
public sealed class StreamCacheRetentionTests
{
    [Fact]
    public async Task Delivered_live_events_leave_the_stream_cache_once_they_are_older_than_the_retention()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        await using var host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Streams:CacheRetention"] = "00:00:01",
            ["Tracking:Mqtt:RfidTopicPrefix"] = $"rfid-{run}",
            ["Tracking:Mqtt:AgvTopicPrefix"] = $"uagv-{run}/v2",
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"cache{run}",
            ["Tracking:Mqtt:ClientId"] = $"cache-bridge-{run}",
        });
        using var cache = new QueueCacheCounters(host.Services.GetRequiredService<IMeterFactory>());
        await using var client = await LiveTestClient.ConnectAsync(host);
        await client.JoinWarehouseAsync("AMS1");
        var first = Enumerable.Range(0, 20).Select(i => $"30742{run[..8].ToUpperInvariant()}{i:D11}").ToList();

        foreach (var epc in first)
        {
            await host.PublishAsync(LiveEvents.Arrived(epc, "AMS1/DOCK-IN-01"));
        }

        var seen = new HashSet<string>();
        await client.WarehouseDeltasUntilAsync(d =>
        {
            seen.UnionWith(d.Moves.Select(m => m.ItemId).Where(first.Contains));
            return seen.Count == first.Count;
        });

        // Orleans purges on its queue reads, by age against the newest event: keep events coming, as a working site does.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var later = 0;
        while (cache.Purged() < first.Count && DateTime.UtcNow < deadline)
        {
            await host.PublishAsync(LiveEvents.Arrived($"30742{run[..8].ToUpperInvariant()}{900 + later++:D11}", "AMS1/DOCK-IN-02"));
            await Task.Delay(250);
        }

        Assert.True(cache.Purged() >= first.Count, $"{cache.Purged()} events left the cache; the first {first.Count} are older than the retention of 1 s");
        Assert.True(cache.Cached() < first.Count + later, $"{cache.Cached()} events still cached of {first.Count + later} published");
    }

    /// <summary>Orleans' queue-cache counters of one host (its meter factory), read on demand.</summary>
    private sealed class QueueCacheCounters : IDisposable
    {
        private const string PurgedName = "orleans-streams-queue-cache-messages-purged";
        // Orleans refreshes its cache-length gauge every few minutes; the added and purged counters move at once.
        private const string AddedName = "orleans-streams-queue-cache-messages-added";
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _sums = [];

        public QueueCacheCounters(IMeterFactory hostMeters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, hostMeters) && instrument.Name is PurgedName or AddedName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value);
            _listener.Start();
        }

        public long Purged() => Read(PurgedName);

        public long Cached() => Read(AddedName) - Read(PurgedName);

        public void Dispose() => _listener.Dispose();

        // One queue cache per stream queue, each with its own instruments: their sum is the silo's.
        private long Read(string name)
        {
            lock (_sums)
            {
                _sums.Clear();
                _listener.RecordObservableInstruments();
                return _sums.GetValueOrDefault(name);
            }
        }
    }
}
