namespace Tracking.Api.Live;

/// <summary>
/// When a feed may send its next delta. A feed that has been quiet sends its first change at once (leading edge); while
/// changes keep coming it coalesces them, never sending two deltas closer than <c>minGap</c> (the bound on the delta
/// rate per group). The gap stretches (up to <c>maxGap</c>) so that the feed sends at most <c>sendsPerSecond</c> messages
/// across all its watchers, and to a multiple of what the last delta cost to build and send: a feed with many watchers,
/// or on a silo short of CPU, sends fewer and larger deltas instead of falling behind.
/// Plain C# and not thread-safe: one feed loop owns it.
/// </summary>
public sealed class DeltaPacer
{
    /// <summary>The gap is at least this many times the last delta's cost: a feed spends at most a fifth of its time sending.</summary>
    public const int CostFactor = 4;

    private readonly TimeSpan _minGap;
    private readonly TimeSpan _maxGap;
    private readonly int _sendsPerSecond;
    private DateTimeOffset? _lastSent;

    public DeltaPacer(TimeSpan minGap, TimeSpan maxGap, int sendsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sendsPerSecond);
        if (minGap < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(minGap), minGap, "The gap between deltas cannot be negative.");
        }

        _minGap = minGap;
        _maxGap = maxGap < minGap ? minGap : maxGap;
        _sendsPerSecond = sendsPerSecond;
        Gap = minGap;
    }

    /// <summary>The current gap after a delta.</summary>
    public TimeSpan Gap { get; private set; }

    /// <summary>How long to wait before the next delta may go out: zero when the feed has been quiet for a gap.</summary>
    public TimeSpan DelayAt(DateTimeOffset now)
    {
        if (_lastSent is not { } sent)
        {
            return TimeSpan.Zero;
        }

        var due = sent + Gap - now;
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    /// <summary>
    /// A delta went out at <paramref name="at"/> to <paramref name="watchers"/> connections; building and sending it took
    /// <paramref name="cost"/>.
    /// </summary>
    public void Sent(DateTimeOffset at, TimeSpan cost, int watchers)
    {
        _lastSent = at;
        var fanOut = TimeSpan.FromSeconds((double)Math.Max(1, watchers) / _sendsPerSecond);
        var stretched = cost * CostFactor;
        var gap = fanOut > stretched ? fanOut : stretched;
        Gap = gap < _minGap ? _minGap : gap > _maxGap ? _maxGap : gap;
    }
}
