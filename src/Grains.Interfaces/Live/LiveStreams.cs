namespace Tracking.Grains.Interfaces.Live;

/// <summary>Names of the Orleans streams that feed the live maps.</summary>
public static class LiveStreams
{
    /// <summary>The stream provider registered by the silo (memory streams).</summary>
    public const string Provider = "live";

    /// <summary>One stream per warehouse, keyed by warehouse code.</summary>
    public const string WarehouseNamespace = "warehouse";

    /// <summary>One stream per region, keyed by region code (transfers, backlog).</summary>
    public const string RegionNamespace = "region";
}
