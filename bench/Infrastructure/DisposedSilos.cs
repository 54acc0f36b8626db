namespace Tracking.Bench.Infrastructure;

/// <summary>
/// The service providers of silos the benchmark has disposed, held weakly, so a scenario can start once they are
/// collected. A disposed silo can stay reachable after its host stopped: background work holds it until its timers
/// fire, and the Orleans 10.4 dashboard's metrics thread held it for good (the bench runs silos without the dashboard).
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
