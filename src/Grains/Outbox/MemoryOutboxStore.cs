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
                .Where(e => !e.Done && e.NextAttemptAt <= now)
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
                e.Done = giveUp;
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

    private sealed class Entry(long id, OutboxMessage message)
    {
        public long Id { get; } = id;

        public OutboxMessage Message { get; } = message;

        public int Attempts { get; set; }

        public DateTimeOffset NextAttemptAt { get; set; }

        public bool Done { get; set; }

        public string? LastError { get; set; }
    }
}
