namespace Tracking.Api.Live;

/// <summary>The <c>Tracking:Live</c> section: how the per-silo forwarder batches and heals the live maps.</summary>
public sealed class LiveOptions
{
    public const string Section = "Tracking:Live";

    /// <summary>
    /// The shortest gap between two deltas of one group: at most one delta per interval, so the delta rate per group is
    /// bounded however fast events come. A quiet feed sends its first change at once; while changes keep coming they are
    /// coalesced for this long (see <see cref="DeltaPacer"/> and docs/decisions/0005).
    /// </summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// The widest the gap stretches when deltas are costly to send (many watchers, a silo short of CPU): the gap is at
    /// least <see cref="DeltaPacer.CostFactor"/> times the last delta's cost and the watchers' share of
    /// <see cref="MaxSendsPerSecond"/>, between <see cref="FlushInterval"/> and this.
    /// </summary>
    public TimeSpan MaxFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Delta messages one feed may send per second across all its watchers on this silo: with many watchers the gap
    /// stretches (5 watchers → 2.5 ms, 50 → 25 ms), so fan-out cost stays bounded. Never beyond <see cref="MaxFlushInterval"/>.
    /// </summary>
    public int MaxSendsPerSecond { get; set; } = 2_000;

    /// <summary>An AGV whose only change is its position is sent at most this often.</summary>
    public TimeSpan AgvPositionInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a feed re-reads the grains, healing whatever dropped stream events left wrong.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a feed nobody watches stays subscribed (page reloads and reconnects re-use it).</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Warehouses and regions one connection may watch at once.</summary>
    public int MaxGroupsPerConnection { get; set; } = 16;
}
