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
}
