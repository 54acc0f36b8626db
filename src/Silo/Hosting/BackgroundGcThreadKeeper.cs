using System.Diagnostics.Metrics;
using System.Runtime;

namespace Tracking.Silo.Hosting;

/// <summary>
/// Starts a background garbage collection whenever none has run for <see cref="BackgroundCollectionSchedule.DefaultQuietLimit"/>,
/// so that workstation GC's background thread never exits. The runtime ends that thread after 20 s without work and
/// creates it again at the next background collection, and on .NET 10 that collection sometimes runs blocking instead
/// (a race fixed upstream after .NET 10): every managed thread stops while the whole heap is marked, 0.7–1.6 s at
/// 0.8–1 GiB, and the live maps stall with it. Kept alive, the thread is created once, while the heap is small. The
/// cost is a concurrent mark of the heap at least every 15 s on one core (docs/decisions/0020).
/// </summary>
public sealed partial class BackgroundGcThreadKeeper : BackgroundService
{
    /// <summary>How often the keeper reads the runtime's last background collection.</summary>
    public static readonly TimeSpan LookInterval = TimeSpan.FromSeconds(1);

    // One keeper per process does the work: the collector is the process's, and a process may host several silos
    // (tests, the benchmark). The others wait and take over when it stops.
    private static readonly SemaphoreSlim OnePerProcess = new(1, 1);

    private readonly ILogger<BackgroundGcThreadKeeper> _logger;
    private readonly TimeProvider _time;
    private readonly Counter<long> _collections;

    public BackgroundGcThreadKeeper(ILogger<BackgroundGcThreadKeeper> logger, IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _logger = logger;
        _time = time;
        _collections = meters.Create("Tracking").CreateCounter<long>(
            "tracking.gc.keepalive_collections",
            description: "Background garbage collections the silo started so that the runtime's background GC thread does not exit (tag mode: background, or blocking where the runtime chose that instead)");
    }

    /// <summary>
    /// Only workstation concurrent GC ends its background thread when idle; server GC keeps its threads, and without
    /// concurrent GC there is none.
    /// </summary>
    public static bool Applies => !GCSettings.IsServerGC && GCSettings.LatencyMode != GCLatencyMode.Batch;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await OnePerProcess.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            LogKeeping(_logger, BackgroundCollectionSchedule.DefaultQuietLimit.TotalSeconds);
            var schedule = new BackgroundCollectionSchedule(BackgroundCollectionSchedule.DefaultQuietLimit);
            var started = _time.GetTimestamp();
            using var timer = new PeriodicTimer(LookInterval, _time);
            do
            {
                if (schedule.IsDue(GC.GetGCMemoryInfo(GCKind.Background).Index, _time.GetElapsedTime(started)))
                {
                    // Returns at once: the mark runs on the background thread while the silo works, which pauses only
                    // briefly at its start and end. The runtime may still choose a blocking, compacting collection
                    // instead (seen when gen2 held much free space); say so, with its pause, rather than hide it.
                    var blockingBefore = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
                    GC.Collect(2, GCCollectionMode.Forced, blocking: false, compacting: false);
                    var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
                    if (blocking.Index != blockingBefore)
                    {
                        _collections.Add(1, new KeyValuePair<string, object?>("mode", "blocking"));
                        LogRanBlocking(_logger, blocking.PauseDurations[0].TotalMilliseconds, blocking.HeapSizeBytes / 1048576);
                    }
                    else
                    {
                        _collections.Add(1, new KeyValuePair<string, object?>("mode", "background"));
                        LogCollecting(_logger, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            OnePerProcess.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Keeping the background GC thread alive: a background collection whenever none ran for {Seconds} s (Tracking:Runtime:KeepBackgroundGcThread, docs/decisions/0020)")]
    private static partial void LogKeeping(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runtime answered the keeper's request for a background collection with a blocking one: the silo paused {PauseMs:0} ms (heap {HeapMiB} MiB)")]
    private static partial void LogRanBlocking(ILogger logger, double pauseMs, long heapMiB);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started a background collection to keep the background GC thread alive; heap {HeapMiB} MiB at the last collection")]
    private static partial void LogCollecting(ILogger logger, long heapMiB);
}
