using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// When an item cannot store what a gate saw, the read is not acknowledged and is not swallowed by deduplication: the
/// gate gives up after its attempts, fails the batch (so the bridge leaves the messages for redelivery) and takes the
/// tag out of its field, so the same read delivered again reaches the item once storage works. The fault is real:
/// PostgreSQL refuses that item's state rows.
/// </summary>
[Collection("devices")]
public sealed class GateObservationFailureTests : IAsyncLifetime
{
    private const string Gate = "NYC1-GATE-IN";
    private readonly PostgresDatabase _database = new();
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var settings = LifecycleHostFixture.Settings(_database.ConnectionString);
        settings["Tracking:Rfid:ObservationAttempts"] = "2";
        // The tag would stay in the field for ten minutes: only forgetting it lets the second read through.
        settings["Tracking:Rfid:DepartureSilenceSeconds"] = "600";
        _host = await DeviceHosts.StartAsync(overrides: settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_read_its_item_cannot_store_is_not_acknowledged_and_the_same_read_delivered_again_reaches_the_item()
    {
        var epc = TestDevice.NewEpc();
        var gate = _host.Grains.GetGrain<IRfidGateGrain>(Gate);
        var item = _host.Grains.GetGrain<IReturnedItemGrain>(epc);
        await _database.ExecuteAsync($"""
            CREATE FUNCTION refuse_item() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'test fault: item state refused'; END $$;
            CREATE TRIGGER refuse_item BEFORE INSERT OR UPDATE ON grain_state
                FOR EACH ROW WHEN (NEW.grain_id LIKE '%{epc}%') EXECUTE FUNCTION refuse_item();
            """);

        var refused = await gate.AcceptAsync(Read(epc));
        await Assert.ThrowsAnyAsync<Exception>(() => gate.WhenObservedAsync(refused));
        Assert.Null(await item.GetAsync());
        Assert.Equal(0, (await gate.GetStatusAsync()).TagsInField);

        await _database.ExecuteAsync("DROP TRIGGER refuse_item ON grain_state");
        var again = await gate.AcceptAsync(Read(epc));
        await gate.WhenObservedAsync(again);

        var stored = await item.GetAsync();
        Assert.NotNull(stored);
        Assert.Equal(("NYC1", ItemStatus.Received), (stored.Warehouse, stored.Status));
    }

    private static RfidReadBatch Read(string epc) => new(Gate, [new RfidRead(epc, 1, -50, DateTimeOffset.UtcNow)]);
}
