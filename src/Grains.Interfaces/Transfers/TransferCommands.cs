using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>Creates a transfer in Planned: from the planner (with its proposal) or by a manager.</summary>
[GenerateSerializer, Immutable]
public sealed record CreateTransfer(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] BacklogStage Stage,
    [property: Id(3)] int Quantity,
    [property: Id(4)] Actor Actor,
    [property: Id(5)] TransferProposal? Proposal = null,
    [property: Id(6)] string? PlanId = null,
    [property: Id(7)] string? Note = null);

/// <summary>
/// An RFID gate at a dock read an item that belongs to a transfer (the item's snapshot carries the transfer id):
/// a <see cref="GateKind.DockOut"/> read at the origin confirms departure, a <see cref="GateKind.DockIn"/> read at
/// the destination confirms arrival.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TransferDockRead(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] string Location,
    [property: Id(3)] string ReaderId,
    [property: Id(4)] GateKind Kind,
    [property: Id(5)] DateTimeOffset At);

/// <summary>
/// Finish receiving at the destination: items scanned by hand count as arrived (ids not on the manifest are
/// flagged unexpected), and whatever was dispatched but not seen is marked missing at once.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReceiveTransfer(
    [property: Id(0)] Actor Actor,
    [property: Id(1)] IReadOnlyList<string> ScannedItems,
    [property: Id(2)] string? Location = null);
