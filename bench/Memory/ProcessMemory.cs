using System.Diagnostics;
using Tracking.Bench.Infrastructure;

namespace Tracking.Bench.Memory;

/// <summary>Resident set and managed heap of this process after a full, compacting collection.</summary>
public sealed record ProcessMemory(long ResidentBytes, long HeapBytes)
{
    public static ProcessMemory Measure()
    {
        Heap.Settle();
        Heap.Settle();

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new ProcessMemory(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }
}
