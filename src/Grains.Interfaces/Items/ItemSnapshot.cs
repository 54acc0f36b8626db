namespace Tracking.Grains.Interfaces.Items;

/// <summary>What the API and the live maps show of one item.</summary>
[GenerateSerializer, Immutable]
public sealed record ItemSnapshot(
    [property: Id(0)] string ItemId,
    [property: Id(1)] ItemStatus Status,
    [property: Id(2)] string? Sku,
    [property: Id(3)] string? RmaId,
    [property: Id(4)] string? ReasonCode,
    [property: Id(5)] string? Channel,
    [property: Id(6)] string? Warehouse,
    [property: Id(7)] string? Location,
    [property: Id(8)] Grade? Grade,
    [property: Id(9)] Disposition? Disposition,
    [property: Id(10)] ZoneTypeTarget? Target,
    [property: Id(11)] int Priority,
    [property: Id(12)] bool Unexpected,
    [property: Id(13)] ItemStatus? StatusBeforeHold,
    [property: Id(14)] DateTimeOffset? ReceivedAt,
    [property: Id(15)] DateTimeOffset UpdatedAt,
    [property: Id(16)] string? Gtin,
    [property: Id(17)] string? EpcUri,
    [property: Id(18)] long Version,
    [property: Id(19)] string? TransferId);

/// <summary>Where a disposition sends an item: a zone type in a warehouse.</summary>
[GenerateSerializer, Immutable]
public sealed record ZoneTypeTarget(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] Warehouses.ZoneType ZoneType,
    [property: Id(2)] string? Location);
