using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracking.Grains.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Journal;

/// <summary>
/// The custody journal on PostgreSQL with group commit: appends from every grain of this silo go into one queue; a
/// single writer takes whatever has gathered (up to <see cref="JournalOptions.MaxBatchSize"/>) and stores it with one
/// INSERT (one transaction by itself), then completes every caller of that batch. While a batch commits the next one
/// gathers, so under load each commit carries many events, and an idle system commits a lone event at once (no timer
/// delay). With the batched grain storage, item events reach the table in their state's statement instead
/// (<see cref="EventsWithGrainState"/>); this writer then serves reads and the re-append of an activated item's last event.
/// See docs/decisions/0002-custody-journal-group-commit.md.
/// </summary>
public sealed partial class PostgresCustodyJournal : ICustodyJournal, IAsyncDisposable
{
    private const string InsertBatch = """
        INSERT INTO item_journal (event_id, item_id, sequence, at, type, actor_kind, actor_id, warehouse, location, status_before, status_after, details)
        SELECT * FROM unnest(@event_id, @event_item_id, @event_sequence, @event_at, @event_type, @event_actor_kind, @event_actor_id, @event_warehouse,
                             @event_location, @event_status_before, @event_status_after, @event_details::jsonb[])
        ON CONFLICT (event_id) DO NOTHING
        """;

    private const string SelectItem = """
        SELECT event_id, item_id, sequence, at, type, actor_kind, actor_id, warehouse, location, status_before, status_after, details::text
        FROM item_journal WHERE item_id = @item_id ORDER BY sequence
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly JournalOptions _options;
    private readonly ILogger<PostgresCustodyJournal> _logger;
    private readonly GroupCommitQueue<PendingAppend> _queue;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _appended;
    private long _commits;
    private long _appendedCount;

    public PostgresCustodyJournal(LifecycleDataSource source, IOptions<JournalOptions> options, IMeterFactory meters, ILogger<PostgresCustodyJournal> logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _dataSource = source.DataSource;
        _options = options.Value;
        _logger = logger;
        var meter = meters.Create("Tracking");
        _batchSize = meter.CreateHistogram<int>("tracking.journal.batch_size", description: "Events per journal commit (group commit)");
        _appended = meter.CreateCounter<long>("tracking.journal.appended", description: "Events made durable in the custody journal");
        _queue = new GroupCommitQueue<PendingAppend>(_options.QueueCapacity, _options.MaxBatchSize, CommitAsync);
    }

    /// <summary>Transactions committed so far (each carries one batch); with <see cref="Appended"/> it shows the batching.</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    internal long Appended => Interlocked.Read(ref _appendedCount);

    public async Task AppendAsync(ItemEvent evt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var pending = new PendingAppend(evt, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.EnqueueAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ItemEvent>> ReadAsync(string itemId, CancellationToken cancellationToken = default)
    {
        await using var cmd = _dataSource.CreateCommand(SelectItem);
        cmd.Parameters.AddWithValue("item_id", itemId);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var events = new List<ItemEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    // Lets the writer finish what it has: those callers are waiting for durability.
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    // The row is already buffered (non-sequential reader), so the synchronous getters do not block on I/O.
    private static ItemEvent ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetString(4),
        new Actor(Enum.Parse<ActorKind>(reader.GetString(5)), reader.GetString(6)),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : Enum.Parse<ItemStatus>(reader.GetString(9)),
        Enum.Parse<ItemStatus>(reader.GetString(10)),
        reader.IsDBNull(11) ? null : reader.GetString(11));

    private async Task CommitAsync(List<PendingAppend> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InsertAsync(batch);
                _batchSize.Record(batch.Count);
                _appended.Add(batch.Count);
                foreach (var p in batch)
                {
                    p.Done.TrySetResult();
                }

                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation || (batch.Count > 1 && PostgresFailures.IsRefusal(ex)))
            {
                // One event collides with another at its item's sequence, or holds what the server refuses: settle each
                // event on its own so the rest commit. (Retrying the same statement would only fail the same way.)
                await CommitOneByOneAsync(batch);
                return;
            }
            catch (Exception ex) when (attempt <= _options.MaxRetries && PostgresFailures.IsTransient(ex))
            {
                LogRetry(ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt - 1)));
            }
            catch (Exception ex)
            {
                LogFailed(ex, batch.Count);
                foreach (var p in batch)
                {
                    p.Done.TrySetException(ex);
                }

                return;
            }
        }
    }

    private async Task CommitOneByOneAsync(List<PendingAppend> batch)
    {
        foreach (var p in batch)
        {
            try
            {
                await InsertAsync([p]);
                _appended.Add(1);
                p.Done.TrySetResult();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The same event again is absorbed by ON CONFLICT (event_id); a violation here is a different event.
                p.Done.TrySetException(new JournalConflictException(p.Event.ItemId, p.Event.Sequence));
            }
            catch (Exception ex)
            {
                p.Done.TrySetException(ex);
            }
        }
    }

    private async Task InsertAsync(IReadOnlyList<PendingAppend> batch)
    {
        // One statement is one transaction: it commits as a whole without BEGIN/COMMIT around it, and that saves the
        // COMMIT's round trip. Its commit is the moment every event in the batch becomes durable.
        await using var cmd = _dataSource.CreateCommand(InsertBatch);
        JournalParameters.Add(cmd.Parameters, batch.Select(p => p.Event).ToList());
        await cmd.ExecuteNonQueryAsync();
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _appendedCount, batch.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Journal batch of {Count} events failed (attempt {Attempt}); retrying")]
    private partial void LogRetry(Exception ex, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Journal batch of {Count} events could not be stored; their callers fail and will append again")]
    private partial void LogFailed(Exception ex, int count);

    private sealed record PendingAppend(ItemEvent Event, TaskCompletionSource Done);
}
