using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Api.Live;

/// <summary>
/// Everything a warehouse map shows, as of delta <see cref="Seq"/> of feed <see cref="Epoch"/>. The client applies the
/// deltas numbered <c>Seq + 1, Seq + 2, …</c> of the same epoch; anything else means it asks for a new snapshot.
/// </summary>
public sealed record WarehouseSnapshot(
    string Warehouse,
    string Epoch,
    long Seq,
    DateTimeOffset AsOf,
    IReadOnlyDictionary<ItemStatus, int> Totals,
    IReadOnlyList<ZoneCount> Zones,
    IReadOnlyList<LocationFill> Locations,
    IReadOnlyList<GateView> Gates,
    IReadOnlyList<AgvSnapshot> Agvs,
    IReadOnlyList<TransportTask> Tasks,
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<ItemMove> RecentMoves);
