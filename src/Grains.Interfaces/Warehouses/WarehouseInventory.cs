using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>Counts per warehouse, kept current by staged aggregation (locations push deltas; no call per item event).</summary>
[GenerateSerializer, Immutable]
public sealed record WarehouseInventory(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] IReadOnlyDictionary<ItemStatus, int> ByStatus,
    [property: Id(2)] IReadOnlyDictionary<Grade, int> ByGrade,
    [property: Id(3)] IReadOnlyDictionary<Disposition, int> ByDisposition,
    [property: Id(4)] IReadOnlyList<LocationCount> Locations,
    [property: Id(5)] DateTimeOffset AsOf);

[GenerateSerializer, Immutable]
public sealed record LocationCount(
    [property: Id(0)] string Location,
    [property: Id(1)] ZoneType Type,
    [property: Id(2)] int Count,
    [property: Id(3)] int Capacity,
    [property: Id(4)] IReadOnlyDictionary<ItemStatus, int> ByStatus,
    [property: Id(5)] DateTimeOffset? AsOf = null);
