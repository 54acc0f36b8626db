namespace Tracking.Bench.Infrastructure;

/// <summary>One reading of <see cref="StreamCacheMeter"/>.</summary>
public readonly record struct StreamCacheReading(long Added, long Purged, long BlockBytes)
{
    /// <summary>Events in the caches now.</summary>
    public long Cached => Added - Purged;
}
