using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Api.Live;

/// <summary>
/// What changed on a warehouse map since delta <c>Seq - 1</c>. Counts, fills, gates and AGVs are absolute values (applying
/// one twice is harmless); moves and gate reads are what happened, for animation. Empty lists are omitted by clients.
/// </summary>
public sealed record WarehouseDelta(
    string Warehouse,
    string Epoch,
    long Seq,
    DateTimeOffset At,
    IReadOnlyDictionary<ItemStatus, int>? Totals,
    IReadOnlyList<ZoneCount> Zones,
    IReadOnlyList<LocationFill> Locations,
    IReadOnlyList<GateView> Gates,
    IReadOnlyList<GateRead> GateReads,
    IReadOnlyList<AgvSnapshot> Agvs,
    IReadOnlyList<TransportTask> Tasks,
    IReadOnlyList<Alert> AlertsRaised,
    IReadOnlyList<string> AlertsCleared,
    IReadOnlyList<ItemMove> Moves);
