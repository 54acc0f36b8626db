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

    public bool Accept(long headerId, DateTimeOffset timestamp)
    {
        if (_lastHeaderId is { } last && headerId <= last && timestamp <= _lastTimestamp)
        {
            return false;
        }

        _lastHeaderId = headerId;
        _lastTimestamp = timestamp > _lastTimestamp ? timestamp : _lastTimestamp;
        return true;
    }

    public void Reset() => _lastHeaderId = null;
}
