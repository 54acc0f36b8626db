using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Bytes the garbage collector promoted in this process (out of gen0, and out of gen1 into gen2), summed over every
/// collection, from the runtime's own GC events. What a collection costs grows with what it promotes, not with what
/// was allocated: objects that outlive a gen0 collection are copied once or twice before they die, so this names the
/// part of the GC's work that messages still in flight or new long-lived state cause. Also the time spent suspending
/// the process's threads for collections (from the suspension's begin to its end event), the part of a pause before
/// the collector starts: a thread preempted by the OS in managed code reaches a safe point only once it runs again.
/// </summary>
public sealed class GcPromotions : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";

    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private static readonly Lazy<GcPromotions> Shared = new(() => new GcPromotions());

    /// <summary>The runtime's suspension reasons for a collection (SuspendForGC, SuspendForGCPrep).</summary>
    private const ulong SuspendForGc = 1;

    private const ulong SuspendForGcPrep = 6;

    private static readonly string[] Reasons =
    [
        "small allocation", "induced", "low memory", "empty", "large allocation", "out of space (SOH)", "out of space (LOH)",
        "induced, not forced", "internal", "induced for low memory", "induced compacting", "host low memory", "provisional mode",
        "host low memory, blocking",
    ];

    private static readonly string[] Types = ["blocking", "background", "foreground"];

    private readonly Lock _lock = new();
    private long _promoted;
    private long _collections;
    private long _pauses;
    private long _suspendTicks;
    private DateTime? _suspending;
    private TimeSpan _pauseSuspension;
    private DateTime? _paused;
    private string? _pauseCollection;
    private int _pauseDepth = -1;

    // The most recent pauses and gen2 starts with their time: a span picks its own by time, since events arrive late.
    private readonly Queue<Pause> _recentPauses = new();
    private readonly Queue<(DateTime At, string Described)> _recentGen2 = new();
    private readonly Queue<DateTime> _recentThreadStarts = new();

    // Every collection collects gen0, so the runtime's gen0 count is the number of collections; the listener has heard
    // of all of them once its count of heap-statistics events has caught up with the runtime's since it started.
    private int _collectionsBefore = GC.CollectionCount(0);

    private GcPromotions()
    {
    }

    /// <summary>
    /// The running total since the listener started (on first use). Events arrive on the runtime's dispatch thread
    /// shortly after each collection, so a span's figure may miss the collections of its last few milliseconds.
    /// </summary>
    public static long Total => Interlocked.Read(ref Shared.Value._promoted);

    /// <summary>Collections whose figures have arrived so far (one heap-statistics event each).</summary>
    public static long Collections => Interlocked.Read(ref Shared.Value._collections);

    /// <summary>Pauses whose end has arrived so far (the threads run again after it).</summary>
    public static long Pauses => Interlocked.Read(ref Shared.Value._pauses);

    /// <summary>Time spent suspending threads for collections since the listener started.</summary>
    public static TimeSpan Suspending => TimeSpan.FromTicks(Interlocked.Read(ref Shared.Value._suspendTicks));

    /// <summary>The longest suspension of the threads for a collection, in a pause that began at or after <paramref name="since"/> (UTC).</summary>
    public static TimeSpan LongestSuspensionSince(DateTime since)
    {
        var shared = Shared.Value;
        lock (shared._lock)
        {
            return shared._recentPauses.Where(p => p.Began >= since).Select(p => p.Suspension).DefaultIfEmpty().Max();
        }
    }

    /// <summary>
    /// The longest pause (threads suspended until they run again) that began at or after <paramref name="since"/> (UTC),
    /// and which collection made it, e.g. "38.2 ms (gen1 blocking, small allocation)"; null if none. By the pause's own
    /// time, not by when its events arrived: the events of a collection just before a span (say the benchmark's own
    /// forced one) can arrive after the span began.
    /// </summary>
    public static string? LongestPauseSince(DateTime since)
    {
        var shared = Shared.Value;
        lock (shared._lock)
        {
            Pause? longest = null;
            foreach (var pause in shared._recentPauses)
            {
                if (pause.Began >= since && (longest is not { } l || pause.Duration > l.Duration))
                {
                    longest = pause;
                }
            }

            return longest is { } p
                ? string.Create(CultureInfo.InvariantCulture, $"{p.Duration.TotalMilliseconds:0.0} ms ({p.Collection ?? "no collection started"})")
                : null;
        }
    }

    /// <summary>The gen2 collections that started at or after <paramref name="since"/> (UTC), each as its kind and reason, e.g. "background, small allocation".</summary>
    public static IReadOnlyList<string> Gen2Since(DateTime since)
    {
        var shared = Shared.Value;
        lock (shared._lock)
        {
            return [.. shared._recentGen2.Where(g => g.At >= since).Select(g => g.Described)];
        }
    }

    /// <summary>
    /// How often the runtime created its background GC thread at or after <paramref name="since"/> (UTC). Workstation GC
    /// ends the thread after 20 s without a background collection, and a collection that has to create it again may
    /// run blocking (docs/decisions/0020); the silo keeps it alive, so a span should normally see none.
    /// </summary>
    public static int BackgroundThreadStartsSince(DateTime since)
    {
        var shared = Shared.Value;
        lock (shared._lock)
        {
            return shared._recentThreadStarts.Count(t => t >= since);
        }
    }

    /// <summary>Starts listening if nothing has yet; call before the spans to be measured.</summary>
    public static void EnsureStarted() => _ = Shared.Value;

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the events of every collection so far have arrived, so that a span
    /// starting now does not count the ones before it (the benchmark forces a full collection just before each run).
    /// False if they had not after the limit (a background collection still running, say).
    /// </summary>
    public static bool CatchUp(TimeSpan limit)
    {
        var shared = Shared.Value;
        var due = GC.CollectionCount(0) - shared._collectionsBefore;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Interlocked.Read(ref shared._collections) < due)
        {
            if (clock.Elapsed >= limit)
            {
                // A collection whose events never came (one during the listener's own start, say) must not make every
                // later span wait too: count from here.
                shared._collectionsBefore += (int)(due - Interlocked.Read(ref shared._collections));
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        // Events arrive in order on the runtime's one dispatch thread, so a begin is always followed by its end.
        switch (eventData.EventName)
        {
            case "GCSuspendEEBegin_V1" when Field(eventData, "Reason") is SuspendForGc or SuspendForGcPrep:
                _suspending = eventData.TimeStamp;
                _paused = eventData.TimeStamp;
                _pauseSuspension = TimeSpan.Zero;
                _pauseCollection = null;
                _pauseDepth = -1;
                return;
            case "GCStart_V2":
                OnCollectionStarted(eventData);
                return;
            case "GCCreateConcurrentThread_V1":
                lock (_lock)
                {
                    Remember(_recentThreadStarts, eventData.TimeStamp.ToUniversalTime());
                }

                return;
            case "GCRestartEEEnd_V1" when _paused is { } pausedAt:
                _paused = null;
                OnPauseEnded(new Pause(pausedAt.ToUniversalTime(), eventData.TimeStamp - pausedAt, _pauseSuspension, _pauseCollection));
                return;
            case "GCSuspendEEEnd_V1" when _suspending is { } began:
                var ticks = (eventData.TimeStamp - began).Ticks;
                _suspending = null;
                _pauseSuspension = TimeSpan.FromTicks(ticks);
                Interlocked.Add(ref _suspendTicks, ticks);
                return;
        }

        if (eventData.EventName is not { } name || !name.StartsWith("GCHeapStats", StringComparison.Ordinal))
        {
            return;
        }

        var promoted = (long)(Field(eventData, "TotalPromotedSize0") ?? 0) + (long)(Field(eventData, "TotalPromotedSize1") ?? 0);
        Interlocked.Add(ref _promoted, promoted);
        Interlocked.Increment(ref _collections);
    }

    // A background gen2 suspends the threads more than once, and young collections run inside it: a pause is named by the
    // deepest collection that started in it.
    private void OnCollectionStarted(EventWrittenEventArgs e)
    {
        var depth = (int)(Field(e, "Depth") ?? 0);
        var reason = (int)(Field(e, "Reason") ?? 0);
        var type = (int)(Field(e, "Type") ?? 0);
        var kind = string.Create(CultureInfo.InvariantCulture,
            $"{(type < Types.Length ? Types[type] : $"type {type}")}, {(reason < Reasons.Length ? Reasons[reason] : $"reason {reason}")}");
        var described = string.Create(CultureInfo.InvariantCulture, $"gen{depth} {kind}");
        lock (_lock)
        {
            if (_paused is not null && depth > _pauseDepth)
            {
                _pauseDepth = depth;
                _pauseCollection = described;
            }

            if (depth == 2)
            {
                Remember(_recentGen2, (e.TimeStamp.ToUniversalTime(), kind));
            }
        }
    }

    private void OnPauseEnded(Pause pause)
    {
        lock (_lock)
        {
            Remember(_recentPauses, pause);
        }

        Interlocked.Increment(ref _pauses);
    }

    /// <summary>Keeps the newest entries: a measured span of a minute at a few hundred collections a second fits.</summary>
    private static void Remember<T>(Queue<T> recent, T entry)
    {
        if (recent.Count == 16_384)
        {
            recent.Dequeue();
        }

        recent.Enqueue(entry);
    }

    private readonly record struct Pause(DateTime Began, TimeSpan Duration, TimeSpan Suspension, string? Collection);

    /// <summary>A numeric field of the event by name (the runtime's events carry them as unsigned integers of various widths).</summary>
    private static ulong? Field(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 && e.Payload?[index] is { } value ? Convert.ToUInt64(value, CultureInfo.InvariantCulture) : null;
    }
}
