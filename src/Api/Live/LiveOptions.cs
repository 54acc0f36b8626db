namespace Tracking.Api.Live;

/// <summary>The <c>Tracking:Live</c> section: how the per-silo forwarder batches and heals the live maps.</summary>
public sealed class LiveOptions
{
    public const string Section = "Tracking:Live";

    /// <summary>At most one delta per group per interval: fan-out cost stays flat however fast events come.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>An AGV whose only change is its position is sent at most this often.</summary>
    public TimeSpan AgvPositionInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a feed re-reads the grains, healing whatever dropped stream events left wrong.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a feed nobody watches stays subscribed (page reloads and reconnects re-use it).</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Warehouses and regions one connection may watch at once.</summary>
    public int MaxGroupsPerConnection { get; set; } = 16;
}
