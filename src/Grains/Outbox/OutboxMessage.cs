namespace Tracking.Grains.Outbox;

/// <summary>
/// A message to deliver to an external system at least once. <see cref="IdempotencyKey"/> is unique in the outbox
/// (enqueuing twice is one message) and is sent as the <c>Idempotency-Key</c> header so the receiver can apply it once.
/// </summary>
public sealed record OutboxMessage(string IdempotencyKey, string Topic, string PayloadJson, DateTimeOffset CreatedAt);

/// <summary>A message as the dispatcher sees it: how often it was tried and when to try next.</summary>
public sealed record PendingOutboxMessage(long Id, OutboxMessage Message, int Attempts);

/// <summary>A message the dispatcher gave up on: what was tried, how often and why it failed last.</summary>
public sealed record ParkedOutboxMessage(long Id, string IdempotencyKey, string Topic, DateTimeOffset CreatedAt, int Attempts, string? LastError, DateTimeOffset ParkedAt);
