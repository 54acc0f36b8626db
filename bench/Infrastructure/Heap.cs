namespace Tracking.Bench.Infrastructure;

public static class Heap
{
    /// <summary>
    /// A full, compacting, blocking collection (twice, around the finalizers), before a timed run starts: the
    /// benchmark's own preparation (say 72,000 generated messages) is then promoted now instead of during the
    /// measurement. The ceiling and the pipeline settle alike.
    /// </summary>
    public static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
