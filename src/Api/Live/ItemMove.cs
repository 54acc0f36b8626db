using Tracking.Grains.Interfaces.Items;

namespace Tracking.Api.Live;

/// <summary>An item changed status or place; locations are codes within the warehouse (null = not at a location here).</summary>
public sealed record ItemMove(
    string ItemId,
    string? Sku,
    string? From,
    string? To,
    ItemStatus? PreviousStatus,
    ItemStatus Status,
    string EventType,
    DateTimeOffset At);
