using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Interfaces.Regions;

/// <summary>
/// What a region's live map shows: the backlog of every member warehouse per stage, the lanes, and the transfers
/// under way that touch the region. Built from periodic pulls of warehouse inventories, never from per-item calls.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RegionBacklog(
    [property: Id(0)] string Region,
    [property: Id(1)] string HubWarehouse,
    [property: Id(2)] IReadOnlyList<WarehouseBacklog> Warehouses,
    [property: Id(3)] IReadOnlyList<LaneDefinition> Lanes,
    [property: Id(4)] IReadOnlyList<TransferSummary> Transfers,
    [property: Id(5)] DateTimeOffset AsOf);

/// <summary>One warehouse's queues. <see cref="InventoryAsOf"/> is null when its inventory could not be read yet.</summary>
[GenerateSerializer, Immutable]
public sealed record WarehouseBacklog(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] string Name,
    [property: Id(2)] string Region,
    [property: Id(3)] IReadOnlyList<string> Capabilities,
    [property: Id(4)] IReadOnlyList<StageBacklog> Stages,
    [property: Id(5)] IReadOnlyList<CapabilityGap> CapabilityGaps,
    [property: Id(6)] DateTimeOffset? InventoryAsOf)
{
    public StageBacklog? Stage(BacklogStage stage) => Stages.FirstOrDefault(s => s.Stage == stage);
}

/// <summary>
/// Items waiting for one stage against what the warehouse processes a day. <see cref="BacklogDays"/> is
/// items / daily capacity, null when the warehouse has no capacity for the stage.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StageBacklog(
    [property: Id(0)] BacklogStage Stage,
    [property: Id(1)] int Items,
    [property: Id(2)] int DailyCapacity,
    [property: Id(3)] double? BacklogDays);

/// <summary>Items waiting for a stage the warehouse cannot do at all (e.g. dispositioned to Refurbish where nobody refurbishes).</summary>
[GenerateSerializer, Immutable]
public sealed record CapabilityGap(
    [property: Id(0)] BacklogStage Stage,
    [property: Id(1)] int Items,
    [property: Id(2)] string Reason);
