namespace Tracking.Api.Live;

/// <summary>What the grains say about a region's warehouses (counts by status, open alerts); null when unreadable.</summary>
public sealed record RegionBase(DateTimeOffset ReadAt, IReadOnlyList<WarehouseSummary>? Warehouses);
