namespace Tracking.Silo.Hosting;

/// <summary>
/// When the silo should start a background collection so that the runtime's background GC thread never idles long
/// enough to exit (<see cref="BackgroundGcThreadKeeper"/>, docs/decisions/0020). Plain logic on what the keeper reads
/// each look: the index of the last background collection, which changes when one ends, a monotonic clock, and whether
/// the silo was idle since the previous look.
/// </summary>
public sealed class BackgroundCollectionSchedule
{
    /// <summary>
    /// Workstation GC's background thread exits after 20 s without a background collection; the next one must start
    /// well before that, and the schedule only notices a collection's end on its next look.
    /// </summary>
    public static readonly TimeSpan DefaultLatest = TimeSpan.FromSeconds(15);

    /// <summary>
    /// From here on an idle look is taken: a collection then takes a core the silo is not using, instead of one in the
    /// middle of a burst of reads. Not much earlier, as an idle silo collects this often.
    /// </summary>
    public static readonly TimeSpan DefaultEarliest = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _earliest;
    private readonly TimeSpan _latest;
    private long _lastIndex = -1;
    private TimeSpan _lastEnded;
    private TimeSpan? _requestedAt;

    public BackgroundCollectionSchedule(TimeSpan earliest, TimeSpan latest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(latest, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(earliest, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(earliest, latest);
        _earliest = earliest;
        _latest = latest;
    }

    /// <summary>
    /// True when a background collection should start now: none has ended for <c>latest</c>, or for <c>earliest</c>
    /// and the silo is idle; and none this schedule asked for is still running. A caller that gets true starts one at
    /// once.
    /// </summary>
    /// <param name="lastBackgroundIndex">The index of the last background collection (0 when none ran yet).</param>
    /// <param name="now">A monotonic time.</param>
    /// <param name="idle">Whether the silo was idle since the previous look.</param>
    public bool IsDue(long lastBackgroundIndex, TimeSpan now, bool idle)
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

        var quiet = now - _lastEnded;
        if (quiet < _earliest || (quiet < _latest && !idle))
        {
            return false;
        }

        // A requested collection that has not ended yet is marking a large heap, and the thread is busy with it. Ask
        // again only if it never came (the runtime may have collected blocking instead), after a few limits.
        if (_requestedAt is { } requested && now - requested < 4 * _latest)
        {
            return false;
        }

        _requestedAt = now;
        return true;
    }
}
