using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>The whole path a control room depends on: device → Mosquitto → bridge → grains → stream → hub → SignalR client.</summary>
public sealed class DeviceToHubTests(LiveHostFixture fixture) : IClassFixture<LiveHostFixture>
{
    private TrackingHost Host => fixture.Host;

    [Fact]
    public async Task A_zebra_read_published_to_the_broker_arrives_as_a_delta_with_the_gate_read_the_move_and_the_new_dock_count()
    {
        await using var devices = await FloorDevices.ConnectAsync();
        await devices.WaitUntilBridgedAsync(Host);
        await using var client = await LiveTestClient.ConnectAsync(Host, "viewer-key");
        var snapshot = await client.JoinWarehouseAsync("AMS1");
        var dockBefore = snapshot.Zones.Single(z => z.Code == "DOCK-IN");
        var epc = FloorDevices.NewEpc();

        // Antenna 3 of the inbound gate covers DOCK-IN-02 (sample-site.json).
        await devices.ZebraReadAsync("AMS1-GATE-IN", epc, antenna: 3);

        // The gate grain tells the item first and announces the read after, so the two may come in separate deltas.
        var deltas = (await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == epc), TimeSpan.FromSeconds(15)))
            .Where(d => d.Seq > snapshot.Seq).ToList();
        var withMove = deltas[^1];
        if (!deltas.SelectMany(d => d.GateReads).Any(r => r.LastEpc == epc))
        {
            deltas.AddRange(await client.WarehouseDeltasUntilAsync(d => d.GateReads.Any(r => r.LastEpc == epc), TimeSpan.FromSeconds(15)));
        }

        Assert.Equal(Enumerable.Range(1, deltas.Count).Select(i => snapshot.Seq + i), deltas.Select(d => d.Seq));
        Assert.All(deltas, d => Assert.Equal(snapshot.Epoch, d.Epoch));
        Assert.Contains(deltas.SelectMany(d => d.GateReads), r => r.ReaderId == "AMS1-GATE-IN" && r.Antenna == 3 && r.LastEpc == epc);

        var move = withMove.Moves.Single(m => m.ItemId == epc);
        Assert.Null(move.From);
        Assert.Equal("DOCK-IN-02", move.To);
        Assert.Equal(ItemStatus.Received, move.Status);
        var dockAfter = withMove.Zones.Single(z => z.Code == "DOCK-IN");
        Assert.Equal(dockBefore.Count + 1, dockAfter.Count);
        Assert.Equal(dockBefore.ByStatus.GetValueOrDefault(ItemStatus.Received) + 1, dockAfter.ByStatus[ItemStatus.Received]);

        // The item grain holds what the map shows: a real item, received by the gate on that dock.
        var item = await Host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync();
        Assert.NotNull(item);
        Assert.Equal(("AMS1", "DOCK-IN-02"), (item.Warehouse, item.Location));
    }

    [Fact]
    public async Task A_vda5050_state_published_to_the_broker_arrives_as_the_agvs_new_position_battery_and_availability()
    {
        await using var devices = await FloorDevices.ConnectAsync();
        await devices.WaitUntilBridgedAsync(Host);
        await using var client = await LiveTestClient.ConnectAsync(Host, "viewer-key");
        await client.JoinWarehouseAsync("BER1");
        const string agvId = "acme/BER1-AGV-01";

        await devices.AgvStateAsync(agvId, "BER1", 17.5, 9.25, battery: 41);

        var delta = (await client.WarehouseDeltasUntilAsync(d => d.Agvs.Any(a => a.AgvId == agvId && a.X == 17.5), TimeSpan.FromSeconds(15)))[^1];
        var agv = delta.Agvs.Single(a => a.AgvId == agvId);
        Assert.Equal((17.5, 9.25), (agv.X, agv.Y));
        Assert.Equal(41, agv.BatteryCharge);
        Assert.Equal(AgvAvailability.Executing, agv.Availability);
        Assert.Equal("ONLINE", agv.Connection);
    }
}
