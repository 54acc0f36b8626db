namespace Tracking.Silo.Hosting;

/// <summary>
/// When the silo should start a background collection so that the runtime's background GC thread never idles long
/// enough to exit (<see cref="BackgroundGcThreadKeeper"/>, docs/decisions/0020). Plain logic on the numbers the runtime
/// reports: the index of the last background collection, which changes when one ends, and a monotonic clock.
/// </summary>
public sealed class BackgroundCollectionSchedule
{
    /// <summary>
    /// Workstation GC's background thread exits after 20 s without a background collection; the next one must start
    /// well before that, and the schedule only notices a collection's end on its next look.
    /// </summary>
    public static readonly TimeSpan DefaultQuietLimit = TimeSpan.FromSeconds(15);

    private readonly TimeSpan _quietLimit;
    private long _lastIndex = -1;
    private TimeSpan _lastEnded;
    private TimeSpan? _requestedAt;

    public BackgroundCollectionSchedule(TimeSpan quietLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(quietLimit, TimeSpan.Zero);
        _quietLimit = quietLimit;
    }

    /// <summary>
    /// True when a background collection should start now: none has ended for the quiet limit and none this schedule
    /// asked for is still running. A caller that gets true starts one at once.
    /// </summary>
    /// <param name="lastBackgroundIndex">The index of the last background collection (0 when none ran yet).</param>
    /// <param name="now">A monotonic time.</param>
    public bool IsDue(long lastBackgroundIndex, TimeSpan now)
    {
        if (_lastIndex < 0)
        {
            // The first look: the thread may have idled out before the keeper started, or never run. Better created now,
            // while the silo starts and its heap is small, than by the first collection of a busy hour.
            _lastIndex = lastBackgroundIndex;
            _lastEnded = now;
            _requestedAt = now;
            return true;
        }

        if (lastBackgroundIndex != _lastIndex)
        {
            // A collection ended since the last look: the thread's idle wait starts over.
            _lastIndex = lastBackgroundIndex;
            _lastEnded = now;
            _requestedAt = null;
            return false;
        }

        if (now - _lastEnded < _quietLimit)
        {
            return false;
        }

        // A requested collection that has not ended yet is marking a large heap, and the thread is busy with it. Ask
        // again only if it never came (the runtime may have collected blocking instead), after a few limits.
        if (_requestedAt is { } requested && now - requested < 4 * _quietLimit)
        {
            return false;
        }

        _requestedAt = now;
        return true;
    }
}
