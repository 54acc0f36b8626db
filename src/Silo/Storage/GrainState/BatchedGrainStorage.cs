using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using Tracking.Grains.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Journal;

namespace Tracking.Silo.Storage.GrainState;

/// <summary>
/// Grain state on PostgreSQL with group commit. Writes from every grain of this silo go into one queue; a single writer
/// stores whatever has gathered with one statement (one implicit transaction, so one WAL flush), checking each row's
/// version on its own, and completes each caller with its new ETag or an <see cref="InconsistentStateException"/>.
/// Reads are batched the same way, which matters when thousands of grains activate at once. State is stored in the
/// Orleans binary format (version tolerant through <c>[Id]</c>). See docs/decisions/0009-batched-grain-storage.md.
/// </summary>
public sealed partial class BatchedGrainStorage : IGrainStorage, IAsyncDisposable
{
    // The version check is per row: a stale writer's row is simply not updated (or not inserted) and is missing from
    // the result, so it alone fails. `ord` maps result rows back to requests. A state that carries its newest custody
    // event (IJournaledState) has it journaled in the same statement, only where its state was stored: state and event
    // commit together, and the journal's own statement and commit are saved (docs/decisions/0002).
    private const string WriteBatch = """
        WITH input AS (
            SELECT * FROM unnest(@grain_id::text[], @state_name::text[], @payload::bytea[], @expected::int[], @ord::int[])
                AS i(grain_id, state_name, payload, expected, ord)
        ), updated AS (
            UPDATE grain_state g SET payload = i.payload, version = CASE WHEN g.version = 2147483647 THEN 1 ELSE g.version + 1 END, modified_at = now()
              FROM input i
             WHERE i.expected IS NOT NULL AND g.service_id = @service_id AND g.grain_id = i.grain_id
               AND g.state_name = i.state_name AND g.version = i.expected
            RETURNING i.ord, g.version
        ), inserted AS (
            INSERT INTO grain_state (service_id, grain_id, state_name, payload, version)
            SELECT @service_id, i.grain_id, i.state_name, i.payload, 1 FROM input i WHERE i.expected IS NULL
            ON CONFLICT DO NOTHING
            RETURNING grain_id, state_name, version
        ), stored AS (
            SELECT ord, version FROM updated
            UNION ALL
            SELECT i.ord, n.version FROM inserted n JOIN input i ON i.grain_id = n.grain_id AND i.state_name = n.state_name AND i.expected IS NULL
        ), journaled AS (
            INSERT INTO item_journal (event_id, item_id, sequence, at, type, actor_kind, actor_id, warehouse, location, status_before, status_after, details)
            SELECT e.event_id, e.item_id, e.sequence, e.at, e.type, e.actor_kind, e.actor_id, e.warehouse, e.location, e.status_before, e.status_after, e.details::jsonb
              FROM unnest(@event_ord::int[], @event_id::uuid[], @event_item_id::text[], @event_sequence::bigint[], @event_at::timestamptz[],
                          @event_type::text[], @event_actor_kind::text[], @event_actor_id::text[], @event_warehouse::text[], @event_location::text[],
                          @event_status_before::text[], @event_status_after::text[], @event_details::text[])
                AS e(ord, event_id, item_id, sequence, at, type, actor_kind, actor_id, warehouse, location, status_before, status_after, details)
              JOIN stored s ON s.ord = e.ord
            ON CONFLICT (event_id) DO NOTHING
        )
        SELECT ord, version FROM stored
        """;

    private const string ReadBatch = """
        SELECT i.ord, g.payload, g.version
          FROM unnest(@grain_id::text[], @state_name::text[], @ord::int[]) AS i(grain_id, state_name, ord)
          JOIN grain_state g ON g.service_id = @service_id AND g.grain_id = i.grain_id AND g.state_name = i.state_name
        """;

    private const string ReadVersion = "SELECT version FROM grain_state WHERE service_id = @service_id AND grain_id = @grain_id AND state_name = @state_name";

    private readonly string _name;
    private readonly string _serviceId;
    private readonly NpgsqlDataSource _dataSource;
    private readonly Serializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly BatchedGrainStorageOptions _options;
    private readonly ILogger<BatchedGrainStorage> _logger;
    private readonly GroupCommitQueue<WriteRequest> _writes;
    private readonly GroupCommitQueue<ReadRequest> _reads;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _journaled;

    public BatchedGrainStorage(
        string name,
        string connectionString,
        IOptions<ClusterOptions> cluster,
        IOptions<BatchedGrainStorageOptions> options,
        Serializer serializer,
        IActivatorProvider activators,
        IMeterFactory meters,
        ILogger<BatchedGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _name = name;
        _serviceId = cluster.Value.ServiceId;
        _options = options.Value;
        _serializer = serializer;
        _activators = activators;
        _logger = logger;
        _dataSource = NpgsqlDataSource.Create(connectionString);
        var meter = meters.Create("Tracking");
        _batchSize = meter.CreateHistogram<int>(
            "tracking.grain_storage.batch_size", description: "Grain-state requests per statement (group commit); tagged op=read|write");
        // The journal's own counter: events that commit here are made durable in the custody journal as much as its writer's.
        _journaled = meter.CreateCounter<long>("tracking.journal.appended", description: "Events made durable in the custody journal");
        _writes = new GroupCommitQueue<WriteRequest>(_options.QueueCapacity, _options.MaxBatchSize, CommitWritesAsync);
        _reads = new GroupCommitQueue<ReadRequest>(_options.QueueCapacity, _options.MaxBatchSize, CommitReadsAsync);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var request = new ReadRequest(grainId.ToString(), stateName);
        await _reads.EnqueueAsync(request, CancellationToken.None);
        var row = await request.Task;
        if (row is not { } found)
        {
            grainState.State = _activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        // A cleared state keeps its row (and version) without a payload.
        grainState.State = found.Payload is null ? _activators.GetActivator<T>().Create() : _serializer.Deserialize<T>(found.Payload);
        grainState.ETag = found.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = found.Payload is not null;
    }

    // Write and clear await the queue and the commit in their own frame: a write waits for group commit, so every layer
    // of async methods around it is an object kept alive (and copied by the collector) until the batch commits.
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var evt = grainState.State is IJournaledState { LastEvent: { } last } ? last : null;
        var request = NewWrite(stateName, grainId, grainState.ETag, _serializer.SerializeToArray(grainState.State), evt);
        await _writes.EnqueueAsync(request, CancellationToken.None);
        var version = await request.Task ?? await ConflictAsync(request, grainState.ETag);
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var request = NewWrite(stateName, grainId, grainState.ETag, payload: null, evt: null);
        await _writes.EnqueueAsync(request, CancellationToken.None);
        var version = await request.Task ?? await ConflictAsync(request, grainState.ETag);
        grainState.State = _activators.GetActivator<T>().Create();
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    private WriteRequest NewWrite(string stateName, GrainId grainId, string? etag, byte[]? payload, ItemEvent? evt)
    {
        int? expected = null;
        if (etag is not null)
        {
            expected = int.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InconsistentStateException($"ETag '{etag}' of {grainId} ({stateName}) was not issued by the '{_name}' storage.", etag, "unknown");
        }

        return new WriteRequest(grainId.ToString(), stateName, payload, expected, evt);
    }

    /// <summary>The version check failed: says which version is stored now. Always throws.</summary>
    private async Task<int> ConflictAsync(WriteRequest request, string? etag)
    {
        var current = await CurrentVersionAsync(request);
        throw new InconsistentStateException(
            $"Grain state {request.StateName} of {request.GrainId} was changed by another writer: expected version {etag ?? "none (new)"}, stored {current?.ToString(CultureInfo.InvariantCulture) ?? "none"}.",
            current?.ToString(CultureInfo.InvariantCulture) ?? "none",
            etag ?? "none");
    }

    private async Task<int?> CurrentVersionAsync(WriteRequest request)
    {
        await using var cmd = _dataSource.CreateCommand(ReadVersion);
        cmd.Parameters.AddWithValue("service_id", _serviceId);
        cmd.Parameters.AddWithValue("grain_id", request.GrainId);
        cmd.Parameters.AddWithValue("state_name", request.StateName);
        return await cmd.ExecuteScalarAsync() is int version ? version : null;
    }

    private async Task CommitWritesAsync(List<WriteRequest> batch)
    {
        // One statement may touch a row once: a second write to the same state (only reentrant grains do that) waits
        // for the next round, in order.
        var remaining = batch;
        while (remaining.Count > 0)
        {
            var keys = new HashSet<(string, string)>();
            var round = new List<WriteRequest>(remaining.Count);
            var later = new List<WriteRequest>();
            foreach (var request in remaining)
            {
                (keys.Add((request.GrainId, request.StateName)) ? round : later).Add(request);
            }

            await RunWithRetriesAsync(round, "write", ExecuteWritesAsync);
            remaining = later;
        }
    }

    private async Task CommitReadsAsync(List<ReadRequest> batch) => await RunWithRetriesAsync(batch, "read", ExecuteReadsAsync);

    private async Task RunWithRetriesAsync<TRequest>(List<TRequest> batch, string op, Func<List<TRequest>, Task> execute)
        where TRequest : IRequest
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await execute(batch);
                _batchSize.Record(batch.Count, new KeyValuePair<string, object?>("op", op));
                return;
            }
            catch (Exception ex) when (attempt <= _options.MaxRetries && PostgresFailures.IsTransient(ex))
            {
                LogRetry(ex, op, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Pow(2, attempt - 1)));
            }
            catch (Exception ex)
            {
                LogFailed(ex, op, batch.Count);
                foreach (var request in batch)
                {
                    request.Fail(ex);
                }

                return;
            }
        }
    }

    private async Task ExecuteWritesAsync(List<WriteRequest> batch)
    {
        try
        {
            await ExecuteWriteStatementAsync(batch);
        }
        catch (PostgresException ex) when (batch.Count > 1 && PostgresFailures.IsRefusal(ex))
        {
            // An event collides with another at its item's sequence, or one row holds what the server refuses (a
            // constraint, a trigger), and the whole statement was rolled back: each write goes on its own so that only
            // the one at fault fails. (Deadlocks, which happen when two silos briefly both hold an activation of the
            // same grain, are transient: the statement runs again as it is.)
            foreach (var request in batch)
            {
                await RunWithRetriesAsync([request], "write", ExecuteWriteStatementAsync);
            }
        }
    }

    private async Task ExecuteWriteStatementAsync(List<WriteRequest> batch)
    {
        await using var cmd = _dataSource.CreateCommand(WriteBatch);
        cmd.Parameters.AddWithValue("service_id", _serviceId);
        cmd.Parameters.Add(Array("grain_id", NpgsqlDbType.Text, batch.Select(r => r.GrainId)));
        cmd.Parameters.Add(Array("state_name", NpgsqlDbType.Text, batch.Select(r => r.StateName)));
        cmd.Parameters.Add(Array("payload", NpgsqlDbType.Bytea, batch.Select(r => r.Payload)));
        cmd.Parameters.Add(Array("expected", NpgsqlDbType.Integer, batch.Select(r => r.Expected)));
        cmd.Parameters.Add(Array("ord", NpgsqlDbType.Integer, Enumerable.Range(0, batch.Count)));
        AddEvents(cmd, batch);
        var versions = new int?[batch.Count];
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions[reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }

        // The statement committed (autocommit) once the reader is done: every row in it is durable now.
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].TrySetResult(versions[i]);
        }

        var journaled = batch.Where((request, i) => request.Event is not null && versions[i] is not null).LongCount();
        if (journaled > 0)
        {
            _journaled.Add(journaled);
        }
    }

    private async Task ExecuteReadsAsync(List<ReadRequest> batch)
    {
        await using var cmd = _dataSource.CreateCommand(ReadBatch);
        cmd.Parameters.AddWithValue("service_id", _serviceId);
        cmd.Parameters.Add(Array("grain_id", NpgsqlDbType.Text, batch.Select(r => r.GrainId)));
        cmd.Parameters.Add(Array("state_name", NpgsqlDbType.Text, batch.Select(r => r.StateName)));
        cmd.Parameters.Add(Array("ord", NpgsqlDbType.Integer, Enumerable.Range(0, batch.Count)));
        var rows = new StoredState?[batch.Count];
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[reader.GetInt32(0)] = ReadRow(reader);
            }
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].TrySetResult(rows[i]);
        }
    }

    private static void AddEvents(NpgsqlCommand cmd, List<WriteRequest> batch)
    {
        var ords = new List<int>();
        var events = new List<ItemEvent>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Event is { } evt)
            {
                ords.Add(i);
                events.Add(evt);
            }
        }

        cmd.Parameters.Add(Array("event_ord", NpgsqlDbType.Integer, ords));
        JournalParameters.Add(cmd.Parameters, events);
    }

    // The row is already buffered (non-sequential reader), so the synchronous getters do not block on I/O.
    private static StoredState ReadRow(NpgsqlDataReader reader) =>
        new(reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetInt32(2));

    private static NpgsqlParameter Array<TValue>(string name, NpgsqlDbType type, IEnumerable<TValue> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain-state {Op} batch of {Count} failed (attempt {Attempt}); retrying")]
    private partial void LogRetry(Exception ex, string op, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain-state {Op} batch of {Count} failed; its callers get the error")]
    private partial void LogFailed(Exception ex, string op, int count);

    private interface IRequest
    {
        void Fail(Exception error);
    }

    private readonly record struct StoredState(byte[]? Payload, int Version);

    /// <summary>
    /// A request for one grain's state, which is its own completion: one object less per request waiting for its batch.
    /// </summary>
    private abstract class Request<TResult>(string grainId, string stateName)
        : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), IRequest
    {
        public string GrainId { get; } = grainId;

        public string StateName { get; } = stateName;

        public void Fail(Exception error) => TrySetException(error);
    }

    /// <summary>A write (or, with no payload, a clear). Completes with the new version, or null when the version check failed.</summary>
    private sealed class WriteRequest(string grainId, string stateName, byte[]? payload, int? expected, ItemEvent? evt)
        : Request<int?>(grainId, stateName)
    {
        public byte[]? Payload { get; } = payload;

        public int? Expected { get; } = expected;

        public ItemEvent? Event { get; } = evt;
    }

    private sealed class ReadRequest(string grainId, string stateName) : Request<StoredState?>(grainId, stateName);
}
