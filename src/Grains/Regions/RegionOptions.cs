namespace Tracking.Grains.Regions;

/// <summary>The <c>Tracking:Regions</c> section.</summary>
public sealed class RegionOptions
{
    public const string Section = "Tracking:Regions";

    /// <summary>How often a hub pulls its warehouses' inventories (the backlog is never pushed per item).</summary>
    public double RefreshSeconds { get; set; } = 30;
}
