using System.Diagnostics.Metrics;
using Npgsql;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;
using Tracking.Grains.Journal;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// The batched grain storage journals an item's newest event in the statement that stores the item's state: the event
/// is in the journal exactly when the state is stored, and a colliding event fails only its own write.
/// </summary>
public sealed class EventsWithGrainStateTests(PostgresHostFixture fixture) : IClassFixture<PostgresHostFixture>
{
    private IGrainStorage Storage => fixture.Host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    [Fact]
    public async Task An_item_change_reaches_the_journal_with_its_state_and_the_grain_appends_nothing_itself()
    {
        Assert.True(fixture.Host.Services.GetRequiredService<EventsWithGrainState>().Enabled);
        var journal = (PostgresCustodyJournal)fixture.Host.Services.GetRequiredService<ICustodyJournal>();
        var appendedBefore = journal.Appended;
        var itemId = $"LP-WITHSTATE-{Guid.NewGuid():N}";
        long counted = 0;
        using var listener = ListenTo("tracking.journal.appended", value => Interlocked.Add(ref counted, value));

        var item = fixture.Host.Grains.GetGrain<IReturnedItemGrain>(itemId);
        await item.ExpectAsync("RMA-WITHSTATE", "SKU-1", ReasonCodes.NotWanted, "Web", "AMS1", 0);
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op"), null, "SKU-1"));

        var sequences = (await journal.ReadAsync(itemId)).Select(e => e.Sequence).ToArray();
        Assert.Equal(new long[] { 1, 2 }, sequences);
        Assert.Equal(appendedBefore, journal.Appended);
        // Still counted as made durable in the journal (other tests of this host may add theirs).
        Assert.True(Interlocked.Read(ref counted) >= 2, $"tracking.journal.appended counted {counted}");
    }

    [Fact]
    public async Task A_stale_writers_event_is_not_journaled()
    {
        var id = ItemGrainId();
        var first = await WriteAsync(id, null, Event(id, 1));
        await WriteAsync(id, first.ETag, Event(id, 2));
        var stale = Event(id, 2);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(id, first.ETag, stale));

        Assert.Equal(0, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM item_journal WHERE event_id = '{stale.EventId}'"));
        Assert.Equal(2, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM item_journal WHERE item_id = '{id.Key}'"));
    }

    [Fact]
    public async Task An_event_colliding_at_its_items_sequence_fails_its_own_write_and_the_others_of_its_statement_are_stored()
    {
        var colliding = ItemGrainId();
        var first = await WriteAsync(colliding, null, Event(colliding, 1));
        // Another event already holds sequence 2 of this item (as a journal written by something else would).
        await using (var connection = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO item_journal (event_id, item_id, sequence, at, type, actor_kind, actor_id, status_after) VALUES ('{Guid.NewGuid()}', '{colliding.Key}', 2, now(), 'Other', 'User', 'x', 'Received')",
                connection);
            await insert.ExecuteNonQueryAsync();
        }

        var others = Enumerable.Range(0, 20).Select(_ => ItemGrainId()).ToArray();
        var writes = others.Select(id => WriteAsync(id, null, Event(id, 1))).Append(WriteAsync(colliding, first.ETag, Event(colliding, 2))).ToArray();

        var failed = await Assert.ThrowsAsync<PostgresException>(() => writes[^1]);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, failed.SqlState);
        foreach (var write in writes[..^1])
        {
            Assert.Equal("1", (await write).ETag);
        }

        Assert.Equal(20, await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM item_journal WHERE item_id IN ({string.Join(", ", others.Select(o => $"'{o.Key}'"))})"));
        var stored = new GrainState<ItemState>();
        await Storage.ReadStateAsync("item", colliding, stored);
        Assert.Equal(1, stored.State?.LastEvent?.Sequence);
    }

    private MeterListener ListenTo(string name, Action<long> onValue)
    {
        var meters = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == name && ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => onValue(value));
        listener.Start();
        return listener;
    }

    private static GrainId ItemGrainId() => GrainId.Create("returneditem", $"LP-STORE-{Guid.NewGuid():N}");

    private static ItemEvent Event(GrainId id, long sequence) =>
        new(Guid.NewGuid(), id.Key.ToString()!, sequence, DateTimeOffset.UtcNow, "Received", Actor.User("op"), "AMS1", "DOCK-IN-01", null, ItemStatus.Received, null);

    private async Task<GrainState<ItemState>> WriteAsync(GrainId id, string? etag, ItemEvent evt)
    {
        var state = new GrainState<ItemState>(new ItemState { LastEvent = evt }) { ETag = etag };
        await Storage.WriteStateAsync("item", id, state);
        return state;
    }
}
