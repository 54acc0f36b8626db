using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Rmas;

/// <summary>
/// One return authorization, keyed by its id. Counts what has arrived per line (partial and repeated receipts),
/// and when its refund policy is met for a unit, puts a refund-due message in the durable outbox.
/// </summary>
public interface IRmaGrain : IGrainWithStringKey
{
    Task<RmaSnapshot> CreateAsync(CreateRma command);

    Task<RmaSnapshot?> GetAsync();

    /// <summary>An item arrived for this RMA. Idempotent per item; <see cref="RmaReceipt.Matched"/> is false when no line still owes it.</summary>
    Task<RmaReceipt> RecordReceiptAsync(string itemId, string? sku);

    /// <summary>A received item was graded (refund policy <see cref="RefundPolicy.OnGrading"/>).</summary>
    Task RecordGradedAsync(string itemId);

    Task<RmaSnapshot> CancelAsync(Actor actor, string reason);

    Task<RmaSnapshot> CloseAsync(Actor actor);
}
