using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Items;

/// <summary>
/// One entry of an item's chain of custody: appended to the durable journal before the call that caused it returns.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ItemEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string ItemId,
    [property: Id(2)] long Sequence,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string Type,
    [property: Id(5)] Actor Actor,
    [property: Id(6)] string? Warehouse,
    [property: Id(7)] string? Location,
    [property: Id(8)] ItemStatus? Before,
    [property: Id(9)] ItemStatus After,
    [property: Id(10)] string? DetailsJson);
