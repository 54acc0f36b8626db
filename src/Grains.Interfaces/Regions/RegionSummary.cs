namespace Tracking.Grains.Interfaces.Regions;

/// <summary>A region as listed by <c>GET /api/regions</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record RegionSummary(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string HubWarehouse,
    [property: Id(3)] IReadOnlyList<string> Warehouses,
    [property: Id(4)] int OpenTransfers,
    [property: Id(5)] DateTimeOffset? BacklogAsOf);
