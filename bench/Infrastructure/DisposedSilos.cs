namespace Tracking.Bench.Infrastructure;

/// <summary>
/// The service providers of silos the benchmark has disposed, held weakly, so a scenario can start once they are
/// collected. A disposed silo stays reachable for a while after its host stopped: background work holds it until its
/// timers fire.
/// </summary>
public static class DisposedSilos
{
    private static readonly List<WeakReference> Disposed = [];

    public static void Track(object services)
    {
        lock (Disposed)
        {
            Disposed.Add(new WeakReference(services));
        }
    }

    /// <summary>Collects (compacting) until every disposed silo is gone or <paramref name="limit"/> passed; false if one is left.</summary>
    public static async Task<bool> WaitCollectedAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            Heap.Settle();
            lock (Disposed)
            {
                Disposed.RemoveAll(w => !w.IsAlive);
                if (Disposed.Count == 0)
                {
                    return true;
                }
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }
}
