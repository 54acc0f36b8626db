namespace Tracking.Bench.Reporting;

/// <summary>
/// Throughput scenarios whose single run moves by a third on a shared 2-core machine (the ceiling, single-read ingest)
/// measure several runs and report the median one.
/// </summary>
public static class RepeatedRuns
{
    public const int Count = 3;

    /// <summary>The run in the middle when ordered by <paramref name="by"/> (the upper of the two middles for an even count).</summary>
    public static T Median<T>(IReadOnlyList<T> runs, Func<T, double> by)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        return runs.OrderBy(by).ElementAt(runs.Count / 2);
    }
}
