using System.Diagnostics.Metrics;
using System.Runtime;

namespace Tracking.Silo.Hosting;

/// <summary>
/// Starts a background garbage collection whenever none has run for <see cref="BackgroundCollectionSchedule.DefaultLatest"/>
/// (from <see cref="BackgroundCollectionSchedule.DefaultEarliest"/> on if the silo is idle),
/// so that workstation GC's background thread never exits. The runtime ends that thread after 20 s without work and
/// creates it again at the next background collection, and on .NET 10 that collection sometimes runs blocking instead
/// (a race fixed upstream after .NET 10): every managed thread stops while the whole heap is marked, 0.7–1.6 s at
/// 0.8–1 GiB, and the live maps stall with it. Kept alive, the thread is created once, while the heap is small. The
/// cost is a concurrent mark of the heap every 10–15 s on one core, taken while the silo is idle where it can be
/// (docs/decisions/0020).
/// </summary>
public sealed partial class BackgroundGcThreadKeeper : BackgroundService
{
    /// <summary>How often the keeper reads the runtime's last background collection.</summary>
    public static readonly TimeSpan LookInterval = TimeSpan.FromSeconds(1);

    /// <summary>The silo counts as idle when the process used less than this share of the machine's cores since the last look.</summary>
    public const double IdleShare = 0.25;

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
            LogKeeping(_logger, BackgroundCollectionSchedule.DefaultLatest.TotalSeconds, BackgroundCollectionSchedule.DefaultEarliest.TotalSeconds);
            var schedule = new BackgroundCollectionSchedule(BackgroundCollectionSchedule.DefaultEarliest, BackgroundCollectionSchedule.DefaultLatest);
            var started = _time.GetTimestamp();
            var lookedAt = TimeSpan.Zero;
            var cpu = Environment.CpuUsage.TotalTime;
            using var timer = new PeriodicTimer(LookInterval, _time);
            do
            {
                var now = _time.GetElapsedTime(started);
                var cpuNow = Environment.CpuUsage.TotalTime;
                var idle = cpuNow - cpu < (now - lookedAt) * (IdleShare * Environment.ProcessorCount);
                (lookedAt, cpu) = (now, cpuNow);
                if (schedule.IsDue(GC.GetGCMemoryInfo(GCKind.Background).Index, now, idle))
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Keeping the background GC thread alive: a background collection whenever none ran for {Seconds} s, from {IdleSeconds} s on if the silo is idle (Tracking:Runtime:KeepBackgroundGcThread, docs/decisions/0020)")]
    private static partial void LogKeeping(ILogger logger, double seconds, double idleSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The runtime answered the keeper's request for a background collection with a blocking one: the silo paused {PauseMs:0} ms (heap {HeapMiB} MiB)")]
    private static partial void LogRanBlocking(ILogger logger, double pauseMs, long heapMiB);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started a background collection to keep the background GC thread alive; heap {HeapMiB} MiB at the last collection")]
    private static partial void LogCollecting(ILogger logger, long heapMiB);
}
