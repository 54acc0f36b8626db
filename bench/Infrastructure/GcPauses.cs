using System.Diagnostics;
using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>Garbage collections and their total pause in this process over a measured span.</summary>
public sealed class GcPauses
{
    private readonly int[] _counts = new int[3];
    private readonly TimeSpan _paused;
    private readonly long _started = Stopwatch.GetTimestamp();

    private GcPauses()
    {
        for (var g = 0; g < 3; g++)
        {
            _counts[g] = GC.CollectionCount(g);
        }

        _paused = GC.GetTotalPauseDuration();
    }

    public static GcPauses Start() => new();

    /// <summary>E.g. "GC 14/5/1 (gen0/1/2) paused 446 ms of 9.1 s (4.9 %); the last gen0/1 GC promoted 27.7 MiB and paused 42.4 ms, heap 487 MiB".</summary>
    public string Stop()
    {
        var elapsed = Stopwatch.GetElapsedTime(_started);
        var paused = GC.GetTotalPauseDuration() - _paused;
        var last = GC.GetGCMemoryInfo(GCKind.Ephemeral);
        return string.Create(CultureInfo.InvariantCulture,
            $"GC {GC.CollectionCount(0) - _counts[0]}/{GC.CollectionCount(1) - _counts[1]}/{GC.CollectionCount(2) - _counts[2]} (gen0/1/2) paused {paused.TotalMilliseconds:0} ms of {elapsed.TotalSeconds:0.0} s ({paused / elapsed:P1}); the last gen0/1 GC promoted {last.PromotedBytes / 1048576.0:0.0} MiB and paused {last.PauseDurations[0].TotalMilliseconds:0.0} ms, heap {last.HeapSizeBytes / 1048576.0:0} MiB");
    }
}
