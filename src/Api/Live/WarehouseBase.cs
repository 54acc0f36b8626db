using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>
/// What the grains say about a warehouse, read when a feed starts and then periodically to heal it. A part that could
/// not be read is null and the feed keeps what it has for that part.
/// </summary>
public sealed record WarehouseBase(
    DateTimeOffset ReadAt,
    WarehouseInventory? Inventory,
    IReadOnlyList<GateStatus>? Gates,
    IReadOnlyList<AgvSnapshot>? Agvs,
    IReadOnlyList<TransportTask>? Tasks,
    IReadOnlyList<Alert>? Alerts);
