using System.Diagnostics;

namespace Tracking.Bench.Memory;

/// <summary>Resident set and managed heap of this process after a full, compacting collection.</summary>
public sealed record ProcessMemory(long ResidentBytes, long HeapBytes)
{
    public static ProcessMemory Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new ProcessMemory(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }
}
