using System.Diagnostics;
using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>Garbage collections and their total pause in this process over a measured span.</summary>
public sealed class GcPauses
{
    private readonly int[] _counts = new int[3];
    private readonly TimeSpan _paused;
    private readonly long _allocated;
    private readonly long _promoted;
    private readonly TimeSpan _suspending;
    private readonly long _started;
    private readonly DateTime _startedAt;

    private GcPauses()
    {
        // The events of the collections before the span first (they arrive on the runtime's thread, a little late).
        GcPromotions.EnsureStarted();
        _ = GcPromotions.CatchUp(TimeSpan.FromSeconds(2));
        _started = Stopwatch.GetTimestamp();
        _startedAt = DateTime.UtcNow;
        for (var g = 0; g < 3; g++)
        {
            _counts[g] = GC.CollectionCount(g);
        }

        _paused = GC.GetTotalPauseDuration();
        _allocated = GC.GetTotalAllocatedBytes();
        _promoted = GcPromotions.Total;
        _suspending = GcPromotions.Suspending;
    }

    public static GcPauses Start() => new();

    /// <summary>
    /// E.g. "GC 14/5/1 (gen0/1/2) paused 446 ms of 9.1 s (4.9 %), suspending threads 31 ms of it (longest 6.2 ms); longest pause
    /// 42.4 ms (gen1 blocking, small allocation); gen2: background, small allocation; background GC thread created 1×; the last
    /// gen0/1 GC promoted 27.7 MiB and paused 42.4 ms, heap 487 MiB; allocated 1,200 MiB and promoted 310 MiB (10.2 and 2.6 KiB per read)"; the per-unit part only when
    /// <paramref name="units"/> is given.
    /// </summary>
    public string Stop(long units = 0, string unit = "message")
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var paused = GC.GetTotalPauseDuration() - _paused;
        var allocated = GC.GetTotalAllocatedBytes() - _allocated;
        var promoted = GcPromotions.Total - _promoted;
        var suspending = GcPromotions.Suspending - _suspending;
        var longestSuspension = GcPromotions.LongestSuspensionSince(_startedAt);
        var longestPause = GcPromotions.LongestPauseSince(_startedAt);
        var gen2 = GcPromotions.Gen2Since(_startedAt);
        var threadStarts = GcPromotions.BackgroundThreadStartsSince(_startedAt);
        var pauses = (longestPause is null ? "" : $"; longest pause {longestPause}") + (gen2.Count == 0 ? "" : $"; gen2: {string.Join(", ", gen2)}")
            + (threadStarts == 0 ? "" : $"; background GC thread created {threadStarts}×");
        var last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        var perUnit = units > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({allocated / 1024.0 / units:0.0} and {promoted / 1024.0 / units:0.00} KiB per {unit})") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"GC {GC.CollectionCount(0) - _counts[0]}/{GC.CollectionCount(1) - _counts[1]}/{GC.CollectionCount(2) - _counts[2]} (gen0/1/2) paused {paused.TotalMilliseconds:0} ms of {elapsed.TotalSeconds:0.0} s ({paused / elapsed:P1}), suspending threads {suspending.TotalMilliseconds:0} ms of it (longest {longestSuspension.TotalMilliseconds:0.0} ms){pauses}; the last gen0/1 GC promoted {last.PromotedBytes / 1048576.0:0.0} MiB and paused {last.PauseDurations[0].TotalMilliseconds:0.0} ms, heap {last.HeapSizeBytes / 1048576.0:0} MiB; allocated {allocated / 1048576.0:N0} MiB and promoted {promoted / 1048576.0:N0} MiB{perUnit}");
    }
}
