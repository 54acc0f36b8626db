using System.Diagnostics.Metrics;
using Tracking.Bench.Infrastructure;
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
        using var cache = new StreamCacheMeter(host.Services.GetRequiredService<IMeterFactory>());
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
        while (cache.Read().Purged < first.Count && DateTime.UtcNow < deadline)
        {
            await host.PublishAsync(LiveEvents.Arrived($"30742{run[..8].ToUpperInvariant()}{900 + later++:D11}", "AMS1/DOCK-IN-02"));
            await Task.Delay(250);
        }

        var reading = cache.Read();
        Assert.True(reading.Purged >= first.Count, $"{reading.Purged} events left the cache; the first {first.Count} are older than the retention of 1 s");
        Assert.True(reading.Cached < first.Count + later, $"{reading.Cached} events still cached of {first.Count + later} published");
    }
}
