namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>
/// The whole site as seeded from JSON (see src/Silo/Site/sample-site.json): regions, warehouses with their
/// layouts and devices, and the lanes between warehouses. Every silo loads the same file.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiteDefinition(
    [property: Id(0)] IReadOnlyList<RegionDefinition> Regions,
    [property: Id(1)] IReadOnlyList<WarehouseDefinition> Warehouses,
    [property: Id(2)] IReadOnlyList<LaneDefinition> Lanes);

[GenerateSerializer, Immutable]
public sealed record RegionDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string HubWarehouse);

/// <summary>A transport lane from one warehouse to another (one direction).</summary>
[GenerateSerializer, Immutable]
public sealed record LaneDefinition(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] decimal CostPerItem,
    [property: Id(3)] double TransitHours,
    [property: Id(4)] int DailyCapacity);

[GenerateSerializer, Immutable]
public sealed record WarehouseDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string Region,
    [property: Id(3)] IReadOnlyList<string> Capabilities,
    [property: Id(4)] IReadOnlyDictionary<string, int> DailyCapacity,
    [property: Id(5)] WarehouseLayout Layout,
    [property: Id(6)] double InspectionSlaHours = 24,
    [property: Id(7)] IReadOnlyList<Items.DispositionRule>? DispositionRules = null);

/// <summary>The floor: zones, locations, RFID readers, the AGV map and the AGVs working on it.</summary>
[GenerateSerializer, Immutable]
public sealed record WarehouseLayout(
    [property: Id(0)] double Width,
    [property: Id(1)] double Height,
    [property: Id(2)] IReadOnlyList<ZoneDefinition> Zones,
    [property: Id(3)] IReadOnlyList<LocationDefinition> Locations,
    [property: Id(4)] IReadOnlyList<ReaderDefinition> Readers,
    [property: Id(5)] IReadOnlyList<AgvNodeDefinition> AgvNodes,
    [property: Id(6)] IReadOnlyList<AgvDefinition> Agvs);

[GenerateSerializer, Immutable]
public sealed record ZoneDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] ZoneType Type,
    [property: Id(3)] MapRect Area);

/// <summary>A storage location; its full id is <c>{warehouse}/{code}</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationDefinition(
    [property: Id(0)] string Code,
    [property: Id(1)] string Zone,
    [property: Id(2)] ZoneType Type,
    [property: Id(3)] int Capacity,
    [property: Id(4)] MapRect Area,
    [property: Id(5)] string? AgvNode = null);

public enum GateKind
{
    DockIn,
    DockOut,
    ZoneBoundary,
}

/// <summary>An RFID reader (gate); each antenna port watches one location.</summary>
[GenerateSerializer, Immutable]
public sealed record ReaderDefinition(
    [property: Id(0)] string ReaderId,
    [property: Id(1)] GateKind Kind,
    [property: Id(2)] IReadOnlyList<AntennaDefinition> Antennas,
    [property: Id(3)] double X,
    [property: Id(4)] double Y);

[GenerateSerializer, Immutable]
public sealed record AntennaDefinition(
    [property: Id(0)] int Port,
    [property: Id(1)] string Location);

[GenerateSerializer, Immutable]
public sealed record AgvNodeDefinition(
    [property: Id(0)] string NodeId,
    [property: Id(1)] double X,
    [property: Id(2)] double Y);

/// <summary>An AGV by its VDA 5050 identity; its map id is the warehouse code.</summary>
[GenerateSerializer, Immutable]
public sealed record AgvDefinition(
    [property: Id(0)] string Manufacturer,
    [property: Id(1)] string SerialNumber,
    [property: Id(2)] string HomeNode)
{
    public string AgvId => $"{Manufacturer}/{SerialNumber}";
}
