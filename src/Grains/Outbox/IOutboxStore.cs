namespace Tracking.Grains.Outbox;

/// <summary>Durable storage of outgoing messages (PostgreSQL table, or memory in demo mode).</summary>
public interface IOutboxStore
{
    /// <summary>Returns once the message is durable. False when a message with the same key was already enqueued.</summary>
    Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="max"/> due messages for this dispatcher for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default);

    Task MarkDeliveredAsync(long id, CancellationToken cancellationToken = default);

    Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, bool giveUp, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a claimed message back until <paramref name="nextAttemptAt"/> without counting the claim as a delivery attempt
    /// (nothing was sent: its topic has no URL yet), so it still has all its attempts once one is configured.
    /// </summary>
    Task DeferAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>Messages given up on (parked for a person), most recently parked first.</summary>
    Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts a parked message back in the queue, due now, with all its attempts again (someone fixed the receiver).
    /// False when no parked message has that id.
    /// </summary>
    Task<bool> RequeueAsync(long id, CancellationToken cancellationToken = default);
}
