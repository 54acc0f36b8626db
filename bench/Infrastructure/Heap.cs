namespace Tracking.Bench.Infrastructure;

public static class Heap
{
    /// <summary>
    /// A full, compacting, blocking collection (twice, around the finalizers; the large-object heap compacted too).
    /// Before a timed run the benchmark's own preparation (say 72,000 generated messages) is then promoted now instead
    /// of during the measurement, the ceiling and the pipeline alike; before a memory reading only live objects count.
    /// </summary>
    public static void Settle()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
