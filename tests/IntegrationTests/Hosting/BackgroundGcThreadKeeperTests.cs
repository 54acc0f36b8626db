using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>Runs alone: other tests' allocations would start background collections of their own and keep the thread busy.</summary>
[CollectionDefinition(nameof(GarbageCollectorCollection), DisableParallelization = true)]
public sealed class GarbageCollectorCollection;

/// <summary>
/// The silo keeps workstation GC's background thread alive (decision 0020): the runtime ends it after 20 s without a
/// background collection, and re-created it sometimes runs the next one blocking.
/// </summary>
[Collection(nameof(GarbageCollectorCollection))]
public sealed class BackgroundGcThreadKeeperTests
{
    private static readonly TimeSpan RuntimeIdleLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task While_the_keeper_runs_the_background_GC_thread_outlives_the_runtimes_idle_limit()
    {
        Assert.True(BackgroundGcThreadKeeper.Applies, "the test host runs workstation concurrent GC, as the silo does");
        using var threads = new BackgroundGcThreadEvents();
        using var collections = new CollectionsCounter();
        await EndOneBackgroundCollectionAsync();
        var since = DateTime.UtcNow;

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var keeper = new BackgroundGcThreadKeeper(NullLogger<BackgroundGcThreadKeeper>.Instance, services.GetRequiredService<IMeterFactory>(), TimeProvider.System);
        await keeper.StartAsync(CancellationToken.None);
        await Task.Delay(RuntimeIdleLimit + TimeSpan.FromSeconds(6));
        await keeper.StopAsync(CancellationToken.None);

        // Events reach the listener on the runtime's dispatch thread, within a second or so.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var exits = threads.ExitsSince(since);
        Assert.True(exits.Count == 0, $"the thread exited at {string.Join(", ", exits.Select(e => $"{e:HH:mm:ss.fff}"))}; test from {since:HH:mm:ss.fff}, keeper collections at {string.Join(", ", collections.Times.Select(t => $"{t:HH:mm:ss.fff}"))}");
        Assert.True(collections.Times.Count >= 1, "the keeper started a background collection");
    }

    [Fact]
    public async Task The_silo_runs_the_keeper_unless_told_not_to()
    {
        await using (var standard = await TrackingHost.StartAsync())
        {
            Assert.Single(standard.Services.GetServices<IHostedService>().OfType<BackgroundGcThreadKeeper>());
        }

        await using var without = await TrackingHost.StartAsync(new Dictionary<string, string> { ["Tracking:Runtime:KeepBackgroundGcThread"] = "false" });
        Assert.Empty(without.Services.GetServices<IHostedService>().OfType<BackgroundGcThreadKeeper>());
    }

    /// <summary>So that the thread exists and its idle wait has just begun.</summary>
    private static async Task EndOneBackgroundCollectionAsync()
    {
        // Compacted first: the hosts of earlier tests leave gen2 full of free space, and the runtime answers a request
        // for a background collection of such a heap with a blocking, compacting one, which the background thread
        // does not run (seen in this test host, whose gen0 budget is uncapped; the keeper's requests in the silo's
        // benchmarks ran in the background).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var index = GC.GetGCMemoryInfo(GCKind.Background).Index;
        GC.Collect(2, GCCollectionMode.Forced, blocking: false);
        var due = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (GC.GetGCMemoryInfo(GCKind.Background).Index == index)
        {
            Assert.True(DateTime.UtcNow < due, "a requested background collection ended");
            await Task.Delay(10);
        }
    }

    /// <summary>The runtime's own events for the background GC thread's creation and exit.</summary>
    private sealed class BackgroundGcThreadEvents : EventListener
    {
        private readonly List<DateTime> _exits = [];

        public IReadOnlyList<DateTime> ExitsSince(DateTime since)
        {
            lock (_exits)
            {
                return [.. _exits.Where(e => e >= since)];
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCTerminateConcurrentThread", StringComparison.Ordinal) == true)
            {
                lock (_exits)
                {
                    _exits.Add(eventData.TimeStamp.ToUniversalTime());
                }
            }
        }
    }

    /// <summary>The keepers' collections in this process (any keeper may be the one doing the work).</summary>
    private sealed class CollectionsCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<DateTime> _times = [];

        public CollectionsCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "tracking.gc.keepalive_collections")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, _, _) =>
            {
                lock (_times)
                {
                    _times.Add(DateTime.UtcNow);
                }
            });
            _listener.Start();
        }

        public IReadOnlyList<DateTime> Times
        {
            get
            {
                lock (_times)
                {
                    return [.. _times];
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
