using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>Everything known about one transfer.</summary>
[GenerateSerializer, Immutable]
public sealed record TransferSnapshot(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] BacklogStage Stage,
    [property: Id(4)] int Quantity,
    [property: Id(5)] TransferStatus Status,
    [property: Id(6)] TransferProposal? Proposal,
    [property: Id(7)] string? PlanId,
    [property: Id(8)] IReadOnlyList<TransferItem> Items,
    [property: Id(9)] string? OutboundLocation,
    [property: Id(10)] DateTimeOffset CreatedAt,
    [property: Id(11)] DateTimeOffset? ApprovedAt,
    [property: Id(12)] DateTimeOffset? DepartedAt,
    [property: Id(13)] DateTimeOffset? Eta,
    [property: Id(14)] DateTimeOffset? ArrivedAt,
    [property: Id(15)] DateTimeOffset? ReceivedAt,
    [property: Id(16)] DateTimeOffset? ClosedAt,
    [property: Id(17)] bool Overdue,
    [property: Id(18)] IReadOnlyList<TransferHistoryEntry> History,
    [property: Id(19)] DateTimeOffset UpdatedAt,
    [property: Id(20)] long Version)
{
    public int Missing => Items.Count(i => i.State == TransferItemState.Missing);

    public int Unexpected => Items.Count(i => i.State == TransferItemState.Unexpected);
}

/// <summary>Where one item of a transfer is: staged at the origin, read leaving, read arriving, or a discrepancy.</summary>
public enum TransferItemState
{
    Staged,
    Departed,
    Arrived,
    Missing,

    /// <summary>Read or scanned at the destination but not on the manifest: flagged for review.</summary>
    Unexpected,
}

[GenerateSerializer, Immutable]
public sealed record TransferItem(
    [property: Id(0)] string ItemId,
    [property: Id(1)] TransferItemState State,
    [property: Id(2)] DateTimeOffset UpdatedAt,
    [property: Id(3)] string? Device);

/// <summary>One step of the transfer's own audit trail.</summary>
[GenerateSerializer, Immutable]
public sealed record TransferHistoryEntry(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] TransferStatus? Before,
    [property: Id(2)] TransferStatus After,
    [property: Id(3)] Actor Actor,
    [property: Id(4)] string Note);
