using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Journal;

/// <summary>A silo on PostgreSQL is stopped and a new one started on the same database: state and custody survive.</summary>
public sealed class JournalRestartTests : IAsyncLifetime
{
    private readonly PostgresDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task The_item_and_its_chain_of_custody_are_intact_after_a_silo_restart()
    {
        ItemSnapshot before;
        List<ItemEvent> historyBefore;
        await using (var first = await TrackingHost.StartAsync(LifecycleHostFixture.Settings(_db.ConnectionString)))
        {
            using var operatorClient = first.CreateClient("operator-key");
            using var inspector = first.CreateClient("inspector-key");
            (await operatorClient.PostJsonAsync("/api/items/LP-RESTART-1/receive", new { warehouse = "BER1", location = "DOCK-IN-02" })).EnsureSuccessStatusCode();
            (await inspector.PostJsonAsync("/api/items/LP-RESTART-1/grade", new { grade = "C", category = "Appliances", value = 300m, notes = "dent" })).EnsureSuccessStatusCode();
            (await operatorClient.PostJsonAsync("/api/items/LP-RESTART-1/hold", new { reason = "suspected fraud" })).EnsureSuccessStatusCode();
            before = await (await operatorClient.GetAsync("/api/items/LP-RESTART-1")).ReadAsync<ItemSnapshot>();
            historyBefore = await (await operatorClient.GetAsync("/api/items/LP-RESTART-1/history")).ReadAsync<List<ItemEvent>>();
        }

        await using var second = await TrackingHost.StartAsync(LifecycleHostFixture.Settings(_db.ConnectionString));
        using var client = second.CreateClient("operator-key");

        var after = await (await client.GetAsync("/api/items/LP-RESTART-1")).ReadAsync<ItemSnapshot>();
        var historyAfter = await (await client.GetAsync("/api/items/LP-RESTART-1/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal(before, after);
        Assert.Equal(historyBefore, historyAfter);
        Assert.Equal(["UnexpectedReceived", "Graded", "Held"], historyAfter.Select(e => e.Type));

        // The lifecycle carries on where it stopped: release goes back to Graded, the next event is number 4.
        var released = await (await client.PostAsync("/api/items/LP-RESTART-1/release", null)).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Graded, 4L), (released.Status, released.Version));
        var final = await (await client.GetAsync("/api/items/LP-RESTART-1/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal([1L, 2L, 3L, 4L], final.Select(e => e.Sequence));
        Assert.Equal(4L, await _db.ScalarAsync<long>("SELECT count(*) FROM item_journal WHERE item_id = 'LP-RESTART-1'"));
    }
}
