using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>
/// One move of items between two warehouses, keyed by transfer id. Drives its items through the item grain
/// (<c>StageForTransferAsync</c>, <c>DepartAsync</c>, <c>ArriveAsync</c>, <c>MarkMissingAsync</c>), raises overdue and
/// discrepancy alerts, and publishes <c>TransferChanged</c> on both warehouses' streams and the region streams.
/// Illegal steps throw <see cref="DomainException"/> and change nothing.
/// </summary>
public interface ITransferGrain : IGrainWithStringKey
{
    Task<TransferSnapshot> CreateAsync(CreateTransfer command);

    Task<TransferSnapshot> ApproveAsync(Actor actor, string? note = null);

    /// <summary>Rejects (Planned) or cancels (Approved) the transfer.</summary>
    Task<TransferSnapshot> RejectAsync(Actor actor, string reason);

    /// <summary>Stages items of the origin warehouse at one of its Outbound locations (location code, e.g. DOCK-OUT-01).</summary>
    Task<TransferSnapshot> StageAsync(IReadOnlyList<string> itemIds, string outboundLocation, Actor actor);

    /// <summary>Manual departure: every staged item leaves now.</summary>
    Task<TransferSnapshot> DispatchAsync(Actor actor);

    Task<TransferSnapshot> RecordDockReadAsync(TransferDockRead read);

    Task<TransferSnapshot> ReceiveAsync(ReceiveTransfer command);

    /// <summary>Closes a Received transfer whose discrepancies have been dealt with.</summary>
    Task<TransferSnapshot> CloseAsync(Actor actor, string? note = null);

    /// <summary>Null when no transfer has this id.</summary>
    Task<TransferSnapshot?> GetAsync();
}
