using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Transfers;

/// <summary>
/// The transfer state machine: Planned → Approved → Staged → InTransit → Arrived → Received → Closed, or Cancelled.
/// Staging repeats (more items join); a transfer can be cancelled only before items are staged, because staged
/// items carry the transfer id and the item lifecycle has no way back from it.
/// </summary>
public static class TransferLifecycle
{
    private static readonly Dictionary<TransferStatus, TransferStatus[]> Allowed = new()
    {
        [TransferStatus.Planned] = [TransferStatus.Approved, TransferStatus.Cancelled],
        [TransferStatus.Approved] = [TransferStatus.Staged, TransferStatus.Cancelled],
        [TransferStatus.Staged] = [TransferStatus.Staged, TransferStatus.InTransit],
        [TransferStatus.InTransit] = [TransferStatus.Arrived],
        [TransferStatus.Arrived] = [TransferStatus.Received],
        [TransferStatus.Received] = [TransferStatus.Closed],
        [TransferStatus.Closed] = [],
        [TransferStatus.Cancelled] = [],
    };

    public static bool CanMove(TransferStatus from, TransferStatus to) => Allowed[from].Contains(to);

    /// <summary>Throws a Conflict naming both states and what is allowed instead.</summary>
    public static void EnsureCanMove(string transferId, TransferStatus from, TransferStatus to)
    {
        if (!CanMove(from, to))
        {
            var next = Allowed[from].Where(s => s != from).ToArray();
            var allowed = next.Length == 0 ? "nothing: it is finished" : string.Join(" or ", next);
            throw DomainException.Conflict("transfer-illegal-transition", $"Transfer {transferId} is {from} and cannot become {to}; from {from} it can become {allowed}.");
        }
    }

    public static bool IsOpen(TransferStatus status) => status is not (TransferStatus.Closed or TransferStatus.Cancelled);

    /// <summary>Approved but not yet departed: holds lane capacity and destination intake for today's planning.</summary>
    public static bool IsCommitted(TransferStatus status) => status is TransferStatus.Approved or TransferStatus.Staged;

    /// <summary>
    /// Reconciliation at the destination: every item that was staged or seen leaving but has not arrived is
    /// missing; unexpected items stay flagged. Returns the item ids to mark missing.
    /// </summary>
    public static IReadOnlyList<string> MissingOnReceipt(IEnumerable<TransferItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Where(i => i.State is TransferItemState.Staged or TransferItemState.Departed).Select(i => i.ItemId).ToList();
    }

    /// <summary>Every item on the manifest has been read at the destination: nothing left to wait for.</summary>
    public static bool AllArrived(IEnumerable<TransferItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var manifest = items.Where(i => i.State != TransferItemState.Unexpected).ToList();
        return manifest.Count > 0 && manifest.All(i => i.State == TransferItemState.Arrived);
    }
}
