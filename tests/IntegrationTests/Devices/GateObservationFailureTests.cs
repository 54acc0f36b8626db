using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// When an item cannot store what a gate saw, the read is neither acknowledged nor swallowed by deduplication: the gate
/// gives up after its attempts, fails the batch (so the bridge leaves the message unacknowledged) and takes the tag out
/// of its field; the bridge reconnects so that the broker resends what it left, and once storage works the read reaches
/// the item, without a restart. The fault is real: PostgreSQL refuses that item's state rows.
/// </summary>
[Collection("devices")]
public sealed class GateObservationFailureTests : DeviceHostOnOwnDatabase
{
    private const string Gate = "NYC1-GATE-IN";

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Tracking:Rfid:ObservationAttempts"] = "2";
        // The tag would stay in the field for ten minutes: only forgetting it lets the read through again.
        settings["Tracking:Rfid:DepartureSilenceSeconds"] = "600";
        settings["Tracking:Mqtt:RedeliverAbandonedAfterSeconds"] = "1";
    }

    [Fact]
    public async Task A_read_its_item_cannot_store_is_not_acknowledged_and_the_same_read_delivered_again_reaches_the_item()
    {
        var epc = TestDevice.NewEpc();
        var gate = Host.Grains.GetGrain<IRfidGateGrain>(Gate);
        var item = Host.Grains.GetGrain<IReturnedItemGrain>(epc);
        await RefuseItemStateAsync(epc);

        var refused = await gate.AcceptAsync(Read(epc));
        await Assert.ThrowsAnyAsync<Exception>(() => gate.WhenObservedAsync(refused));
        Assert.Null(await item.GetAsync());
        Assert.Equal(0, (await gate.GetStatusAsync()).TagsInField);

        await AcceptItemStateAsync();
        var again = await gate.AcceptAsync(Read(epc));
        await gate.WhenObservedAsync(again);

        var stored = await item.GetAsync();
        Assert.NotNull(stored);
        Assert.Equal(("NYC1", ItemStatus.Received), (stored.Warehouse, stored.Status));
    }

    [Fact]
    public async Task The_same_read_delivered_again_while_its_item_call_still_fails_is_not_confirmed_either()
    {
        // A redelivered copy (new broker connection) or a retried hand-off: the tag is already in the field, so the copy
        // changes nothing, but confirming it would acknowledge a read whose item never got it.
        var epc = TestDevice.NewEpc();
        var gate = Host.Grains.GetGrain<IRfidGateGrain>(Gate);
        await RefuseItemStateAsync(epc);

        var first = await gate.AcceptAsync(Read(epc));
        var copy = await gate.AcceptAsync(Read(epc));
        await Assert.ThrowsAnyAsync<Exception>(() => gate.WhenObservedAsync(copy));
        await Assert.ThrowsAnyAsync<Exception>(() => gate.WhenObservedAsync(first));
        Assert.Null(await Host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync());
        Assert.Equal(0, (await gate.GetStatusAsync()).TagsInField);

        await AcceptItemStateAsync();
        await gate.WhenObservedAsync(await gate.AcceptAsync(Read(epc)));
        Assert.NotNull(await Host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync());
    }

    [Fact]
    public async Task A_read_the_bridge_gave_up_on_comes_back_from_the_broker_and_reaches_the_item_once_storage_works()
    {
        var epc = TestDevice.NewEpc();
        var bridge = Host.Services.GetRequiredService<MqttBridgeClient>();
        await DeviceHosts.WaitConnectedAsync(Host);
        await RefuseItemStateAsync(epc);

        await using (var reader = await TestDevice.ConnectAsync(TestEnvironment.MqttPort, clientId: $"gate-{Guid.NewGuid():N}"))
        {
            Assert.True((await reader.PublishAsync($"tracking/rfid/{Gate}/events", TestDevice.ZebraRead(epc, 1, -50))).IsSuccess);
        }

        // While the item keeps failing, the one message is given up, and asked for again by reconnecting.
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(bridge.RedeliveryReconnectCount > 0), TimeSpan.FromSeconds(30)),
            "the bridge never reconnected for the message it gave up on");
        Assert.Null(await Host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync());

        await AcceptItemStateAsync();
        Assert.True(
            await Eventually.HoldsAsync(async () => await Host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync() is not null, TimeSpan.FromSeconds(30)),
            "the read never reached its item after storage came back");
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(bridge.Unacknowledged == 0 && bridge.Abandoned == 0), TimeSpan.FromSeconds(30)),
            $"the bridge still holds {bridge.Unacknowledged} unacknowledged and {bridge.Abandoned} abandoned message(s)");
    }

    private Task RefuseItemStateAsync(string epc) => Database.ExecuteAsync($"""
        CREATE FUNCTION refuse_item() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'test fault: item state refused'; END $$;
        CREATE TRIGGER refuse_item BEFORE INSERT OR UPDATE ON grain_state
            FOR EACH ROW WHEN (NEW.grain_id LIKE '%{epc}%') EXECUTE FUNCTION refuse_item();
        """);

    private Task AcceptItemStateAsync() => Database.ExecuteAsync("DROP TRIGGER refuse_item ON grain_state; DROP FUNCTION refuse_item();");

    private static RfidReadBatch Read(string epc) => new(Gate, [new RfidRead(epc, 1, -50, DateTimeOffset.UtcNow)]);
}
