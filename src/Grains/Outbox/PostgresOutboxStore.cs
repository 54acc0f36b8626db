using Npgsql;
using Tracking.Grains.Journal;

namespace Tracking.Grains.Outbox;

/// <summary>
/// The outbox table. Claims use <c>FOR UPDATE SKIP LOCKED</c> and push <c>next_attempt_at</c> forward by a lease, so
/// the dispatchers of several silos never send the same message at the same time, and a dispatcher that dies mid-send
/// leaves the message to be retried when its lease runs out.
/// </summary>
public sealed class PostgresOutboxStore(LifecycleDataSource source) : IOutboxStore
{
    private const string Insert = """
        INSERT INTO outbox (idempotency_key, topic, payload, created_at) VALUES (@key, @topic, @payload::jsonb, @created_at)
        ON CONFLICT (idempotency_key) DO NOTHING
        """;

    private const string Claim = """
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + @lease
        WHERE id IN (
            SELECT id FROM outbox
            WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
            ORDER BY next_attempt_at, id
            LIMIT @max
            FOR UPDATE SKIP LOCKED)
        RETURNING id, idempotency_key, topic, payload::text, created_at, attempts
        """;

    public async Task<bool> EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var cmd = source.DataSource.CreateCommand(Insert);
        cmd.Parameters.AddWithValue("key", message.IdempotencyKey);
        cmd.Parameters.AddWithValue("topic", message.Topic);
        cmd.Parameters.AddWithValue("payload", JsonbText.Safe(message.PayloadJson)!);
        cmd.Parameters.AddWithValue("created_at", message.CreatedAt.ToUniversalTime());
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<PendingOutboxMessage>> ClaimDueAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand(Claim);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("max", max);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<PendingOutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(ReadClaimed(reader));
        }

        return claimed;
    }

    // The row is already buffered (non-sequential reader), so the synchronous getters do not block on I/O.
    private static PendingOutboxMessage ReadClaimed(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        new OutboxMessage(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)),
        reader.GetInt32(5));

    public async Task MarkDeliveredAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand("UPDATE outbox SET delivered_at = now(), last_error = NULL WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFailedAsync(long id, string error, DateTimeOffset nextAttemptAt, bool giveUp, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand(
            "UPDATE outbox SET last_error = @error, next_attempt_at = @next, gave_up_at = CASE WHEN @give_up THEN now() END WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("error", error);
        cmd.Parameters.AddWithValue("next", nextAttemptAt.ToUniversalTime());
        cmd.Parameters.AddWithValue("give_up", giveUp);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeferAsync(long id, string reason, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand(
            "UPDATE outbox SET last_error = @reason, next_attempt_at = @next, attempts = GREATEST(attempts - 1, 0) WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("reason", reason);
        cmd.Parameters.AddWithValue("next", nextAttemptAt.ToUniversalTime());
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ParkedOutboxMessage>> ListParkedAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand("""
            SELECT id, idempotency_key, topic, created_at, attempts, last_error, gave_up_at FROM outbox
            WHERE gave_up_at IS NOT NULL AND delivered_at IS NULL
            ORDER BY gave_up_at DESC, id DESC
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var parked = new List<ParkedOutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(ReadParked(reader));
        }

        return parked;
    }

    private static ParkedOutboxMessage ReadParked(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetInt32(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6));

    public async Task<bool> RequeueAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var cmd = source.DataSource.CreateCommand(
            "UPDATE outbox SET gave_up_at = NULL, attempts = 0, next_attempt_at = now() WHERE id = @id AND gave_up_at IS NOT NULL AND delivered_at IS NULL");
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
