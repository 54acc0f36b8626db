namespace Tracking.Grains.Items;

/// <summary>The <c>Tracking:Lifecycle</c> section: timings of the item lifecycle's background work.</summary>
public sealed class LifecycleOptions
{
    public const string Section = "Tracking:Lifecycle";

    /// <summary>How often a location grain sends its changed summary to its warehouse grain (staged aggregation).</summary>
    public TimeSpan LocationFlushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a warehouse grain looks for items past their inspection SLA.</summary>
    public TimeSpan SlaCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
