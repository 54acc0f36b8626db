using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Api.Live;

/// <summary>
/// What the grains say about a region: its warehouses (counts by status, open alerts) and the transfers its hub knows
/// of; each part null when unreadable.
/// </summary>
public sealed record RegionBase(DateTimeOffset ReadAt, IReadOnlyList<WarehouseSummary>? Warehouses, IReadOnlyList<TransferSummary>? Transfers = null);
