using Tracking.Grains.Interfaces.Regions;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>A transfer as the region index and the live map list it (from/to, status, count, ETA).</summary>
/// <param name="ItemCount">Items on its manifest (read or scanned extras not counted).</param>
/// <param name="Arrived">Items of the manifest read or received at the destination (0 in summaries stored before it was kept).</param>
[GenerateSerializer, Immutable]
public sealed record TransferSummary(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] BacklogStage Stage,
    [property: Id(4)] TransferStatus Status,
    [property: Id(5)] int Quantity,
    [property: Id(6)] int ItemCount,
    [property: Id(7)] DateTimeOffset? Eta,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] long Version,
    [property: Id(10)] string? PlannedBy,
    [property: Id(11)] int Arrived = 0)
{
    /// <summary>
    /// Manifest items not at the destination yet. Those that arrived are in its inventory already: a transfer in its
    /// arrival's settle window counting them as still coming counted them twice in the destination's queue.
    /// </summary>
    public int OnTheWay => Math.Max(0, ItemCount - Arrived);

    public static TransferSummary Of(TransferSnapshot transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        return new TransferSummary(
            transfer.TransferId, transfer.From, transfer.To, transfer.Stage, transfer.Status, transfer.Quantity,
            transfer.Items.Count(i => i.State != TransferItemState.Unexpected), transfer.Eta, transfer.UpdatedAt, transfer.Version, transfer.PlanId,
            transfer.Items.Count(i => i.State == TransferItemState.Arrived));
    }
}
