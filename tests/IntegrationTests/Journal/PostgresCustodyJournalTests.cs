using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Journal;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.Silo.Storage;

namespace Tracking.IntegrationTests.Journal;

/// <summary>The custody journal against a real PostgreSQL: group commit, idempotence, conflicts, append-only.</summary>
public sealed class PostgresCustodyJournalTests : IAsyncLifetime
{
    private readonly PostgresDatabase _db = new();
    private LifecycleDataSource _source = null!;
    private PostgresCustodyJournal _journal = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await new PostgresMigrator(_db.ConnectionString, NullLogger<PostgresMigrator>.Instance).MigrateAsync();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _source = new LifecycleDataSource(_db.ConnectionString);
        _journal = new PostgresCustodyJournal(_source, Options.Create(new JournalOptions()), _services.GetRequiredService<IMeterFactory>(), NullLogger<PostgresCustodyJournal>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync();
        await _source.DisposeAsync();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Appends_from_many_callers_share_transactions_and_all_become_durable()
    {
        const int items = 200;
        const int eventsPerItem = 10;
        var appends = Enumerable.Range(0, items).Select(async i =>
        {
            for (var seq = 1; seq <= eventsPerItem; seq++)
            {
                await _journal.AppendAsync(Event($"ITEM-{i}", seq));
            }
        });

        await Task.WhenAll(appends);

        Assert.Equal(items * eventsPerItem, await _db.ScalarAsync<long>("SELECT count(*) FROM item_journal"));
        Assert.Equal(items * eventsPerItem, _journal.Appended);

        // Each caller waits for its own commit, so 200 callers in flight ride on far fewer transactions than 2,000 events.
        Assert.True(_journal.Commits <= items * eventsPerItem / 10, $"{_journal.Commits} commits for {_journal.Appended} events");
        var history = await _journal.ReadAsync("ITEM-7");
        Assert.Equal(Enumerable.Range(1, eventsPerItem).Select(i => (long)i), history.Select(e => e.Sequence));
    }

    [Fact]
    public async Task An_event_appended_again_is_stored_once()
    {
        var evt = Event("ITEM-RETRY", 1);
        await _journal.AppendAsync(evt);
        await _journal.AppendAsync(evt);

        var stored = Assert.Single(await _journal.ReadAsync("ITEM-RETRY"));

        // Details are stored as jsonb: the same JSON, not necessarily the same spacing.
        Assert.Equal(evt with { DetailsJson = null }, stored with { DetailsJson = null });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(evt.DetailsJson!), JsonNode.Parse(stored.DetailsJson!)));
    }

    [Fact]
    public async Task A_second_writer_at_the_same_sequence_is_refused_without_failing_the_others()
    {
        await _journal.AppendAsync(Event("ITEM-SPLIT", 1));
        var results = await Task.WhenAll(
            Enumerable.Range(0, 21).Select(async i =>
            {
                try
                {
                    await _journal.AppendAsync(i == 10 ? Event("ITEM-SPLIT", 1) : Event($"ITEM-OK-{i}", 1));
                    return "stored";
                }
                catch (JournalConflictException)
                {
                    return "conflict";
                }
            }));

        Assert.Equal("conflict", results[10]);
        Assert.Equal(20, results.Count(r => r == "stored"));
        Assert.Equal(21, await _db.ScalarAsync<long>("SELECT count(*) FROM item_journal"));
    }

    [Fact]
    public async Task An_event_the_database_refuses_fails_alone_and_at_once()
    {
        // A trigger stands for any refusal that is no conflict (a check, a value jsonb cannot hold): running the same
        // statement again would fail the same way, and it must not take the other callers' events with it.
        await _db.ExecuteAsync("""
            CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'test fault: event refused'; END $$;
            CREATE TRIGGER refuse_event BEFORE INSERT ON item_journal
                FOR EACH ROW WHEN (NEW.item_id = 'ITEM-REFUSED') EXECUTE FUNCTION refuse_event();
            """);
        var results = await Task.WhenAll(
            Enumerable.Range(0, 21).Select(async i =>
            {
                try
                {
                    await _journal.AppendAsync(i == 10 ? Event("ITEM-REFUSED", 1) : Event($"ITEM-FINE-{i}", 1));
                    return "stored";
                }
                catch (PostgresException ex) when (ex.MessageText.Contains("test fault", StringComparison.Ordinal))
                {
                    return "refused";
                }
            }));

        Assert.Equal("refused", results[10]);
        Assert.Equal(20, results.Count(r => r == "stored"));
        Assert.Equal(20, await _db.ScalarAsync<long>("SELECT count(*) FROM item_journal"));
    }

    [Fact]
    public async Task The_journal_table_refuses_updates_and_deletes()
    {
        await _journal.AppendAsync(Event("ITEM-LOCKED", 1));
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();

        await using var update = new NpgsqlCommand("UPDATE item_journal SET type = 'Forged'", connection);
        var updateError = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        await using var delete = new NpgsqlCommand("DELETE FROM item_journal", connection);
        var deleteError = await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());

        Assert.Contains("append-only", updateError.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", deleteError.MessageText, StringComparison.Ordinal);
        Assert.Equal("Received", (await _journal.ReadAsync("ITEM-LOCKED"))[0].Type);
    }

    private static ItemEvent Event(string itemId, long sequence) => new(
        Guid.NewGuid(),
        itemId,
        sequence,
        new DateTimeOffset(2026, 5, 14, 9, 31, 7, TimeSpan.Zero).AddSeconds(sequence),
        "Received",
        Actor.Device("AMS1-GATE-IN"),
        "AMS1",
        "DOCK-IN-01",
        sequence == 1 ? null : ItemStatus.Expected,
        ItemStatus.Received,
        """{"device":"AMS1-GATE-IN"}""");
}
