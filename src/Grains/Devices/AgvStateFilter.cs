namespace Tracking.Grains.Devices;

/// <summary>
/// VDA 5050 stale-state filter for one AGV and topic. A message is dropped only if its headerId is not above the
/// last accepted one AND its timestamp is not newer: a rebooted AGV restarts its headerIds with fresh timestamps,
/// so timestamp progress alone still lets it through. A connection message resets the filter.
/// </summary>
public sealed class AgvStateFilter
{
    private long? _lastHeaderId;
    private DateTimeOffset _lastTimestamp;

    /// <summary>Checks and records in one step (a message applied as soon as it is accepted).</summary>
    public bool Accept(long headerId, DateTimeOffset timestamp)
    {
        if (IsStale(headerId, timestamp))
        {
            return false;
        }

        Record(headerId, timestamp);
        return true;
    }

    public bool IsStale(long headerId, DateTimeOffset timestamp) =>
        _lastHeaderId is { } last && headerId <= last && timestamp <= _lastTimestamp;

    /// <summary>Marks a message as applied: from now on, it and older ones are stale.</summary>
    public void Record(long headerId, DateTimeOffset timestamp)
    {
        _lastHeaderId = headerId;
        _lastTimestamp = timestamp > _lastTimestamp ? timestamp : _lastTimestamp;
    }

    public void Reset() => _lastHeaderId = null;
}
