using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Storage;
using Tracking.IntegrationTests.Storage.TestGrains;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// Tracking's batched (group-commit) grain storage, the default in PostgreSQL mode: the shared contract, plus what the
/// batching must not change — one stale writer in a batch fails alone, two writes to one state in a batch are settled
/// in order, and many grains' writes and reads go to PostgreSQL together.
/// </summary>
public sealed class BatchedGrainStorageTests(PostgresHostFixture fixture) : GrainStorageContract(fixture.Host), IClassFixture<PostgresHostFixture>
{
    [Fact]
    public async Task A_grain_writes_its_state_in_the_grain_state_table_and_reads_it_back()
    {
        var key = await CounterWrittenTwiceAndReadBackAsync();

        Assert.Equal(2, await fixture.Database.ScalarAsync<int>($"SELECT version FROM grain_state WHERE grain_id = 'counter/{key}' AND state_name = 'counter'"));
    }

    [Fact]
    public async Task A_state_at_the_highest_version_goes_on_at_version_1()
    {
        var id = NewId();
        var state = await ReadAsync(id);
        state.State = new CounterState { Total = 1 };
        await Storage.WriteStateAsync(StateName, id, state);
        await fixture.Database.ExecuteAsync($"UPDATE grain_state SET version = 2147483647 WHERE grain_id = '{id}' AND state_name = '{StateName}'");

        // A busy grain that lives for years (a dispatcher) gets there: the integer column would refuse version + 1.
        var old = await ReadAsync(id);
        old.State = new CounterState { Total = 2 };
        await Storage.WriteStateAsync(StateName, id, old);

        Assert.Equal(1, await fixture.Database.ScalarAsync<int>($"SELECT version FROM grain_state WHERE grain_id = '{id}' AND state_name = '{StateName}'"));
        Assert.Equal(2, (await ReadAsync(id)).State!.Total);
    }

    [Fact]
    public async Task Writes_that_gather_while_a_statement_runs_share_the_next_one_and_a_stale_writer_fails_alone()
    {
        var stale = await WrittenAsync(NewId(), 1);
        var staleEtag = stale.ETag;
        await WriteAsync(stale.Id, stale.ETag, 2);
        var current = await WrittenAsync(NewId(), 1);
        var twice = await WrittenAsync(NewId(), 1);
        var fresh = NewId();
        var batches = new ConcurrentBag<int>();
        using var listener = ListenToBatches(batches);

        Task<string?>[] writes;
        await using (var locker = await LockGrainStateAsync())
        {
            // The first write waits on the lock inside the writer's statement; everything after it gathers meanwhile.
            var blocker = WriteAsync(NewId(), null, 1);
            await WaitForLockWaitAsync();
            writes =
            [
                WriteAsync(stale.Id, staleEtag, 99),
                WriteAsync(current.Id, current.ETag, 10),
                WriteAsync(fresh, null, 20),
                WriteAsync(twice.Id, twice.ETag, 30),
                WriteAsync(twice.Id, twice.ETag, 31),
            ];
            await Task.Delay(200);
            Assert.All(writes, w => Assert.False(w.IsCompleted));
            await locker.CommitAsync();
            await blocker;
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[0]);
        Assert.Equal("2", await writes[1]);
        Assert.Equal("1", await writes[2]);
        Assert.Equal("2", await writes[3]);
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[4]);

        Assert.Equal(2, (await ReadAsync(stale.Id)).State!.Total);
        Assert.Equal(10, (await ReadAsync(current.Id)).State!.Total);
        Assert.Equal(20, (await ReadAsync(fresh)).State!.Total);
        Assert.Equal(30, (await ReadAsync(twice.Id)).State!.Total);
        // One statement for the four distinct states, the second write to the same state in the next round.
        // (other grains of the host may write in the same statement, so at least four).
        Assert.Contains(batches, b => b >= 4);
    }

    [Fact]
    public async Task A_write_the_database_refuses_fails_alone_and_the_writes_that_shared_its_statement_commit()
    {
        // A trigger stands for any refusal that is no version conflict (a check, a value the column cannot hold).
        var refused = NewId();
        var others = Enumerable.Range(0, 3).Select(_ => NewId()).ToArray();
        var fault = $"refuse_{Guid.NewGuid():N}";
        await fixture.Database.ExecuteAsync($"""
            CREATE FUNCTION {fault}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'test fault: state refused'; END $$;
            CREATE TRIGGER {fault} BEFORE INSERT OR UPDATE ON grain_state
                FOR EACH ROW WHEN (NEW.grain_id = '{refused}') EXECUTE FUNCTION {fault}();
            """);
        try
        {
            Task<string?>[] writes;
            await using (var locker = await LockGrainStateAsync())
            {
                // Held behind the lock, the writes gather into one statement.
                var blocker = WriteAsync(NewId(), null, 1);
                await WaitForLockWaitAsync();
                writes = [WriteAsync(refused, null, 1), .. others.Select((id, i) => WriteAsync(id, null, 10 + i))];
                await Task.Delay(200);
                await locker.CommitAsync();
                await blocker;
            }

            var error = await Assert.ThrowsAsync<PostgresException>(() => writes[0]);
            Assert.Contains("test fault", error.MessageText, StringComparison.Ordinal);
            for (var i = 0; i < others.Length; i++)
            {
                Assert.Equal("1", await writes[i + 1]);
                Assert.Equal(10 + i, (await ReadAsync(others[i])).State!.Total);
            }

            Assert.False((await ReadAsync(refused)).RecordExists);
        }
        finally
        {
            await fixture.Database.ExecuteAsync($"DROP TRIGGER {fault} ON grain_state; DROP FUNCTION {fault}();");
        }
    }

    [Fact]
    public async Task Hundreds_of_grains_writing_and_activating_at_once_keep_every_state()
    {
        var keys = Enumerable.Range(0, 300).Select(i => $"many-{Guid.NewGuid():N}-{i}").ToArray();

        await Task.WhenAll(keys.Select((k, i) => fixture.Host.Grains.GetGrain<ICounterGrain>(k).Add(i)));
        await Task.WhenAll(keys.Select((k, i) => fixture.Host.Grains.GetGrain<ICounterGrain>(k).Add(1000)));
        var reads = await Task.WhenAll(keys.Select(k => ReadAsync(GrainId.Create("counter", k), "counter")));

        Assert.Equal(keys.Length, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM grain_state WHERE grain_id LIKE 'counter/many-%' AND version = 2"));
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(1000 + i, reads[i].State!.Total);
            Assert.Equal("2", reads[i].ETag);
        }
    }

    [Fact]
    public async Task An_etag_this_storage_did_not_issue_is_rejected_as_inconsistent()
    {
        var state = new GrainState<CounterState>(new CounterState { Total = 1 }, "not-a-version");

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, NewId(), state));
    }

    private async Task<(GrainId Id, string? ETag, int State)> WrittenAsync(GrainId id, int total)
    {
        var etag = await WriteAsync(id, null, total);
        return (id, etag, total);
    }

    private async Task<string?> WriteAsync(GrainId id, string? etag, int total)
    {
        var state = new GrainState<CounterState>(new CounterState { Total = total }, etag) { RecordExists = etag is not null };
        await Storage.WriteStateAsync(StateName, id, state);
        return state.ETag;
    }

    private async Task<TableLock> LockGrainStateAsync()
    {
        var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("LOCK TABLE grain_state IN EXCLUSIVE MODE", connection, tx);
        await cmd.ExecuteNonQueryAsync();
        return new TableLock(connection, tx);
    }

    private async Task WaitForLockWaitAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await fixture.Database.ScalarAsync<long>(
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the writer never reached the locked table");
            await Task.Delay(20);
        }
    }

    private MeterListener ListenToBatches(ConcurrentBag<int> batches)
    {
        var meters = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "tracking.grain_storage.batch_size" && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "op", Value: "write" })
                {
                    batches.Add(value);
                }
            }
        });
        listener.Start();
        return listener;
    }

    /// <summary>Holds an EXCLUSIVE lock on grain_state (reads pass, writes wait) until committed or disposed.</summary>
    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task CommitAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
