namespace Tracking.Grains.Outbox;

/// <summary>The demo mode's outbox: same behaviour, kept in this process.</summary>
public sealed class MemoryOutboxStore(TimeProvider time) : IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Entry> _byId = [];
    private long _nextId;

    public Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            if (_byKey.ContainsKey(message.IdempotencyKey))
            {
                return Task.FromResult(false);
            }

            var entry = new Entry(++_nextId, message) { NextAttemptAt = time.GetUtcNow() };
            _byKey[message.IdempotencyKey] = entry;
            _byId[entry.Id] = entry;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var due = _byId.Values
                .Where(e => !e.Done && e.ParkedAt is null && e.NextAttemptAt <= now)
                .OrderBy(e => e.Id)
                .Take(max)
                .ToList();
            foreach (var e in due)
            {
                e.NextAttemptAt = now + lease;
                e.Attempts++;
            }

            return Task.FromResult<IReadOnlyList<PendingOutboxMessage>>([.. due.Select(e => new PendingOutboxMessage(e.Id, e.Message, e.Attempts))]);
        }
    }

    public Task MarkDeliveredAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var e))
            {
                e.Done = true;
            }
        }

        return Task.CompletedTask;
    }

    public Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, bool giveUp, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var e))
            {
                e.NextAttemptAt = nextAttemptAt;
                e.LastError = error;
                e.ParkedAt = giveUp ? time.GetUtcNow() : null;
            }
        }

        return Task.CompletedTask;
    }

    public Task DeferAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var e))
            {
                e.NextAttemptAt = nextAttemptAt;
                e.LastError = reason;
                e.Attempts = Math.Max(0, e.Attempts - 1);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ParkedOutboxMessage>>([.. _byId.Values
                .Where(e => !e.Done && e.ParkedAt is not null)
                .OrderByDescending(e => e.ParkedAt).ThenByDescending(e => e.Id)
                .Take(limit)
                .Select(e => new ParkedOutboxMessage(e.Id, e.Message.IdempotencyKey, e.Message.Topic, e.Message.CreatedAt, e.Attempts, e.LastError, e.ParkedAt!.Value))]);
        }
    }

    public Task<bool> RequeueAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var e) || e.Done || e.ParkedAt is null)
            {
                return Task.FromResult(false);
            }

            e.ParkedAt = null;
            e.Attempts = 0;
            e.NextAttemptAt = time.GetUtcNow();
            return Task.FromResult(true);
        }
    }

    private sealed class Entry(long id, OutboxMessage message)
    {
        public long Id { get; } = id;

        public OutboxMessage Message { get; } = message;

        public int Attempts { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; }

        /// <summary>Delivered.</summary>
        public bool Done { get; set; }

        /// <summary>Given up on: waits for a person (<see cref="RequeueAsync"/>).</summary>
        public DateTimeOffset? ParkedAt { get; set; }

        public string? LastError { get; set; }
    }
}
