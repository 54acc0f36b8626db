using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Items;

/// <summary>
/// One returned unit, keyed by its id: an EPC (upper-case hex) or a licence-plate/serial barcode.
/// Every method that changes state stores it and journals the event before it returns, and throws
/// <see cref="DomainException"/> (nothing changed) when the lifecycle forbids the change.
/// </summary>
public interface IReturnedItemGrain : IGrainWithStringKey
{
    /// <summary>An RMA line with an EPC or serial announces the item.</summary>
    Task<ItemSnapshot> ExpectAsync(string rmaId, string sku, string reasonCode, string channel, string warehouse, int priority);

    Task<ItemSnapshot> ReceiveAsync(ReceiveItem command);

    Task<ItemSnapshot> ObserveAsync(ObserveItem command);

    /// <summary>
    /// An inbound dock gate's read: observes the item as <see cref="ObserveAsync"/> does, unless the item is on a
    /// transfer from another warehouse. Then nothing changes and the snapshot comes back unobserved: the read is the
    /// transfer's first, which brings the item in. One call where a gate needed two (look, then observe).
    /// </summary>
    Task<DockObservation> ObserveAtInboundDockAsync(ObserveItem command);

    Task<ItemSnapshot> GradeAsync(GradeItem command);

    Task<ItemSnapshot> DispositionAsync(DispositionItem command);

    Task<ItemSnapshot> CompleteMoveAsync(CompleteMove command);

    Task<ItemSnapshot> HoldAsync(Actor actor, string reason);

    Task<ItemSnapshot> ReleaseAsync(Actor actor);

    /// <summary>Finishes the item's route: Restocked, ReturnedToVendor, Liquidated, Recycled or Scrapped.</summary>
    Task<ItemSnapshot> CompleteAsync(Actor actor, string? note = null);

    Task<ItemSnapshot> StageForTransferAsync(string transferId, string outboundLocation, Actor actor);

    Task<ItemSnapshot> DepartAsync(string transferId, Actor actor);

    Task<ItemSnapshot> ArriveAsync(string transferId, string warehouse, string location, Actor actor);

    /// <summary>
    /// Written off as lost. With <paramref name="transferId"/> (a transfer's receipt) only while the item is still on that
    /// transfer: one that arrived or was received meanwhile is refused (409 <c>not-on-transfer</c>), not written off.
    /// </summary>
    Task<ItemSnapshot> MarkMissingAsync(Actor actor, string reason, string? transferId = null);

    /// <summary>Null when the item has never been registered (no RMA line, scan or read).</summary>
    Task<ItemSnapshot?> GetAsync();

    Task<IReadOnlyList<ItemEvent>> GetHistoryAsync();
}
