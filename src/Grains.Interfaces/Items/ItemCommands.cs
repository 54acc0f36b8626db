using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Items;

/// <summary>An operator scanned the item at a receiving location (REST).</summary>
[GenerateSerializer, Immutable]
public sealed record ReceiveItem(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] string Location,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string? RmaId = null,
    [property: Id(4)] string? Sku = null);

/// <summary>
/// A device saw the item at a location (an RFID gate's arrival, after deduplication). At a dock this receives an
/// expected item, and an unknown tag becomes an unexpected item flagged for review; elsewhere it is a move.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ObserveItem(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] string Location,
    [property: Id(2)] string DeviceId,
    [property: Id(3)] DateTimeOffset ObservedAt,
    [property: Id(4)] string? TransferId = null);

[GenerateSerializer, Immutable]
public sealed record GradeItem(
    [property: Id(0)] Grade Grade,
    [property: Id(1)] Actor Inspector,
    [property: Id(2)] string? Notes = null,
    [property: Id(3)] IReadOnlyList<string>? PhotoUrls = null,
    [property: Id(4)] string? Category = null,
    [property: Id(5)] decimal? Value = null,
    [property: Id(6)] bool VendorReturnEligible = false);

/// <summary>Apply the warehouse's rules, or override them (an override needs a reason and is audited).</summary>
[GenerateSerializer, Immutable]
public sealed record DispositionItem(
    [property: Id(0)] Actor Actor,
    [property: Id(1)] Disposition? Override = null,
    [property: Id(2)] string? OverrideReason = null);

/// <summary>A transport (AGV or person) finished moving the item to a location.</summary>
[GenerateSerializer, Immutable]
public sealed record CompleteMove(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] string Location,
    [property: Id(2)] Actor Actor,
    [property: Id(3)] string? TaskId = null);
