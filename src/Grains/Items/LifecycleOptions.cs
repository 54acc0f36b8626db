namespace Tracking.Grains.Items;

/// <summary>The <c>Tracking:Lifecycle</c> section: timings of the item lifecycle's background work.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Tracking:Lifecycle";

    /// <summary>How often a location grain sends its changed summary to its warehouse grain (staged aggregation).</summary>
    public TimeSpan LocationFlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How often a changed location grain stores the items that changed (one row each, one statement per write). The
    /// contents are a projection of the items: after a crash they lag by at most this interval, and an item puts itself
    /// right whenever it is activated or changes. A graceful stop stores them at once.
    /// </summary>
    public TimeSpan LocationPersistInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a warehouse grain looks for items past their inspection SLA.</summary>
    public TimeSpan SlaCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A gate read older than the newest read already applied to its item by more than this changes nothing (it is a
    /// redelivery or a late retry, and the item has moved on). Covers the skew between readers' clocks, which should be
    /// NTP-synchronised: a reader whose clock lags by more sees its reads ignored (metric tracking.items.stale_observations).
    /// </summary>
    public TimeSpan StaleObservationTolerance { get; set; } = TimeSpan.FromSeconds(5);
}
