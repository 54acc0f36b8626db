using Orleans.Core.Internal;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// An AGV whose assignment cannot be stored keeps none: the dispatcher's next try assigns it again and the order goes
/// out. (It kept the unstored assignment in memory, so every later try found it "already assigned" and sent nothing:
/// the task stayed Assigned forever and the AGV refused all other work.) Likewise the end of a task is stored before
/// anyone hears of it. The fault is real: PostgreSQL refuses the AGV's state rows for a while.
/// </summary>
[Collection("devices")]
public sealed class AgvAssignmentWriteFailureTests : DeviceHostOnOwnDatabase
{
    protected override void Configure(Dictionary<string, string> settings)
    {
    }

    [Fact]
    public async Task An_assignment_the_database_refused_is_made_again_and_its_order_reaches_the_agv()
    {
        await DeviceHosts.WaitConnectedAsync(Host);
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "BER1-AGV-02");
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(16, 7, battery: 90);
        Assert.True(await Eventually.HoldsAsync(async () => (await Host.Grains.GetGrain<IAgvGrain>(agv.AgvId).GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle }));
        await RefuseAgvRowsAsync();

        var (itemId, _) = await TransportItems.DispositionedAsync(Host.Grains, "BER1");
        var dispatcher = Host.Grains.GetGrain<ITransportDispatcherGrain>("BER1");
        Assert.True(await Eventually.HoldsAsync(async () => (await dispatcher.GetTasksAsync()).Any(t => t.ItemId == itemId)), "no transport task");
        // Several dispatcher ticks (every 0.5 s) try the AGV while its writes are refused.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await AcceptAgvRowsAsync();

        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        Assert.NotNull(order["orderId"]);
    }

    [Fact]
    public async Task A_finished_drop_whose_write_failed_ends_the_task_when_its_report_comes_again_and_leaves_the_agv_free_after_a_restart()
    {
        await DeviceHosts.WaitConnectedAsync(Host);
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "BER1-AGV-02");
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(16, 7, battery: 90);
        var grain = Host.Grains.GetGrain<IAgvGrain>(agv.AgvId);
        Assert.True(await Eventually.HoldsAsync(async () => (await grain.GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle }));
        var (itemId, target) = await TransportItems.DispositionedAsync(Host.Grains, "BER1");
        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var orderId = order["orderId"]!.GetValue<string>();
        var (pick, drop, dropNode) = TestAgv.StepsOf(order);
        await agv.StateAsync(16, 7, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "WAITING")], pendingNodes: 1, driving: true);
        var dispatcher = Host.Grains.GetGrain<ITransportDispatcherGrain>("BER1");
        Assert.True(await Eventually.HoldsAsync(async () => (await dispatcher.GetTasksAsync()).Single(t => t.ItemId == itemId).Status == TransportTaskStatus.InProgress));

        // The drop finishes while the AGV's rows are refused: nothing may be told before it is stored.
        await RefuseAgvRowsAsync();
        var finishedAt = DateTimeOffset.UtcNow;
        await agv.StateAsync(7, 22, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "FINISHED")], lastNodeId: dropNode, headerId: 100, at: finishedAt);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(TransportTaskStatus.InProgress, (await dispatcher.GetTasksAsync()).Single(t => t.ItemId == itemId).Status);
        await AcceptAgvRowsAsync();

        // The same report again (a redelivery: same header id and time) is applied now, not dropped as stale.
        await agv.StateAsync(7, 22, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "FINISHED")], lastNodeId: dropNode, headerId: 100, at: finishedAt);
        Assert.True(await Eventually.HoldsAsync(async () => (await dispatcher.GetTasksAsync()).Single(t => t.ItemId == itemId).Status == TransportTaskStatus.Completed));
        Assert.Equal(target, (await Host.Grains.GetGrain<IReturnedItemGrain>(itemId).GetAsync())!.Location);

        // After a restart of its grain the AGV holds no ended task: it takes the next one, and the old order is not resent.
        var oldOrders = agv.Orders.Count(o => TestAgv.LoadOf(o) == itemId);
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await agv.StateAsync(7, 22, battery: 90, lastNodeId: dropNode);
        var (nextItem, _) = await TransportItems.DispositionedAsync(Host.Grains, "BER1");
        await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == nextItem);
        Assert.Equal(oldOrders, agv.Orders.Count(o => TestAgv.LoadOf(o) == itemId));
    }

    private Task RefuseAgvRowsAsync() => Database.ExecuteAsync("""
        CREATE FUNCTION refuse_agv() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'test fault: agv state refused'; END $$;
        CREATE TRIGGER refuse_agv BEFORE INSERT OR UPDATE ON grain_state
            FOR EACH ROW WHEN (NEW.grain_id LIKE 'agv/%BER1-AGV-02%') EXECUTE FUNCTION refuse_agv();
        """);

    private Task AcceptAgvRowsAsync() => Database.ExecuteAsync("DROP TRIGGER refuse_agv ON grain_state; DROP FUNCTION refuse_agv();");
}
