using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>VDA 5050 over the real Mosquitto, with AGVs driven by the test.</summary>
[Collection("devices")]
public sealed class AgvTransportTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await DeviceHosts.StartAsync();
        await DeviceHosts.WaitConnectedAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_order_round_trips_through_state_and_the_finished_drop_moves_the_item()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "AMS1-AGV-01");
        await OnlineAndIdleAsync(agv, 16, 7);

        var (itemId, target) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var orderId = order["orderId"]!.GetValue<string>();

        // Not acknowledged yet: the same order (same orderId/orderUpdateId) is sent again.
        await agv.WaitForOrderAsync(o => o["orderId"]!.GetValue<string>() == orderId, count: 2);
        Assert.All(agv.Orders.Where(o => o["orderId"]!.GetValue<string>() == orderId), o => Assert.Equal(0, o["orderUpdateId"]!.GetValue<long>()));
        Assert.Equal(TransportTaskStatus.Assigned, (await TaskOf(dispatcher, itemId)).Status);

        // VDA 5050: a new order starts where the AGV stands (its last node, N-CHARGE here), then picks and drops.
        var nodes = order["nodes"]!.AsArray().Select(n => (Id: n!["nodeId"]!.GetValue<string>(), Actions: string.Join(",", n["actions"]!.AsArray().Select(a => a!["actionType"]!.GetValue<string>())))).ToArray();
        Assert.Equal(3, nodes.Length);
        Assert.Equal(("N-CHARGE", "", "pick", "drop"), (nodes[0].Id, nodes[0].Actions, nodes[1].Actions, nodes[2].Actions));
        var (pick, drop, dropNode) = TestAgv.StepsOf(order);
        await agv.StateAsync(16, 7, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "WAITING")], pendingNodes: 1, driving: true);
        Assert.True(await Eventually.HoldsAsync(async () => (await TaskOf(dispatcher, itemId)).Status == TransportTaskStatus.InProgress));

        await agv.StateAsync(7, 22, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "FINISHED")], lastNodeId: dropNode);
        Assert.True(await Eventually.HoldsAsync(async () => (await TaskOf(dispatcher, itemId)).Status == TransportTaskStatus.Completed));

        var item = (await _host.Grains.GetGrain<IReturnedItemGrain>(itemId).GetAsync())!;
        Assert.Equal(target, item.Location);
        Assert.Equal(ItemStatus.Stored, item.Status);
        Assert.Equal("acme/AMS1-AGV-01", (await _host.Grains.GetGrain<IReturnedItemGrain>(itemId).GetHistoryAsync())[^1].Actor.Id);
        await agv.AssertOrdersValidAsync();
    }

    [Fact]
    public async Task A_disposition_overridden_while_an_agv_carries_the_item_queues_a_follow_up_that_runs_after_the_drop()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "AMS1-AGV-01");
        await OnlineAndIdleAsync(agv, 16, 7);
        var (itemId, restockPlace) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        var first = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var firstTask = await TaskOf(dispatcher, itemId);
        Assert.Equal(TransportTaskStatus.Assigned, firstTask.Status);

        var overridden = await _host.Grains.GetGrain<IReturnedItemGrain>(itemId)
            .DispositionAsync(new DispositionItem(Actor.User("inspector"), Disposition.Scrap, "water damage found on a second look"));
        var scrapPlace = overridden.Target!.Location!;
        var tasks = (await dispatcher.GetTasksAsync()).Where(t => t.ItemId == itemId).ToArray();
        var followUp = Assert.Single(tasks, t => t.TaskId != firstTask.TaskId);
        Assert.Equal((TransportTaskStatus.Queued, restockPlace, scrapPlace), (followUp.Status, followUp.FromLocation, followUp.ToLocation));
        Assert.Equal((TransportTaskStatus.Assigned, restockPlace), (tasks.Single(t => t.TaskId == firstTask.TaskId).Status, firstTask.ToLocation));

        // The AGV finishes the drop it was given; only then is the follow-up sent, picking where that drop left the item.
        var firstOrderId = first["orderId"]!.GetValue<string>();
        var (pick, drop, dropNode) = TestAgv.StepsOf(first);
        await agv.StateAsync(7, 22, firstOrderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "FINISHED")], lastNodeId: dropNode);
        var second = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId && o["orderId"]!.GetValue<string>() != firstOrderId);
        Assert.Equal(TransportTaskStatus.Completed, (await dispatcher.GetTasksAsync()).Single(t => t.TaskId == firstTask.TaskId).Status);
        Assert.StartsWith(followUp.TaskId, second["orderId"]!.GetValue<string>(), StringComparison.Ordinal);

        var (pick2, drop2, dropNode2) = TestAgv.StepsOf(second);
        await agv.StateAsync(9, 3, second["orderId"]!.GetValue<string>(), 0, actions: [(pick2, "pick", "FINISHED"), (drop2, "drop", "FINISHED")], lastNodeId: dropNode2);
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await dispatcher.GetTasksAsync()).Single(t => t.TaskId == followUp.TaskId).Status == TransportTaskStatus.Completed));
        var item = (await _host.Grains.GetGrain<IReturnedItemGrain>(itemId).GetAsync())!;
        Assert.Equal((scrapPlace, Disposition.Scrap), (item.Location, item.Disposition));
        await agv.AssertOrdersValidAsync();
    }

    [Fact]
    public async Task Stale_and_out_of_order_states_are_ignored()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "CHI1-AGV-01");
        var grain = _host.Grains.GetGrain<IAgvGrain>("acme/CHI1-AGV-01");
        var t0 = DateTimeOffset.UtcNow;
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(1, 1, battery: 50, headerId: 10, at: t0.AddSeconds(10));
        await agv.StateAsync(2, 2, battery: 10, headerId: 9, at: t0.AddSeconds(5));   // older header, older time: stale
        await agv.StateAsync(3, 3, battery: 11, headerId: 10, at: t0.AddSeconds(10)); // duplicate
        await agv.StateAsync(4, 4, battery: 51, headerId: 11, at: t0.AddSeconds(11));
        Assert.True(await Eventually.HoldsAsync(async () => (await grain.GetAsync()).BatteryCharge == 51));
        var snapshot = await grain.GetAsync();
        Assert.Equal(2, snapshot.StatesIgnored);
        Assert.Equal((4.0, 4.0), (snapshot.X, snapshot.Y));

        // A reboot restarts headerIds; a connection message resets the filter so the low id is accepted.
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(5, 5, battery: 60, headerId: 1, at: t0);
        Assert.True(await Eventually.HoldsAsync(async () => (await grain.GetAsync()).BatteryCharge == 60));
        Assert.Equal(2, (await grain.GetAsync()).StatesIgnored);
    }

    [Fact]
    public async Task A_broken_connection_mid_task_hands_the_task_to_another_agv_and_raises_an_alert()
    {
        await using var first = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "BER1-AGV-01");
        await using var second = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "BER1-AGV-02");
        await OnlineAndIdleAsync(first, 16, 7);
        await OnlineAndIdleAsync(second, 48, 2);

        var (itemId, _) = await TransportItems.DispositionedAsync(_host.Grains, "BER1");
        var order = await first.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var orderId = order["orderId"]!.GetValue<string>();
        var pick = TestAgv.StepsOf(order).Pick;
        await first.StateAsync(16, 7, orderId, 0, actions: [(pick, "pick", "RUNNING")], pendingNodes: 1);

        // The broker's last will for the first AGV.
        await first.ConnectionAsync("CONNECTIONBROKEN");

        var reassigned = await second.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        Assert.NotEqual(orderId, reassigned["orderId"]!.GetValue<string>());
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("BER1");
        var task = await TaskOf(dispatcher, itemId);
        Assert.Equal(("acme/BER1-AGV-02", 2), (task.AgvId, task.Attempts));
        Assert.Contains("CONNECTIONBROKEN", task.LastError, StringComparison.Ordinal);
        Assert.True(await Eventually.HoldsAsync(async () => (await _host.Grains.GetGrain<IAlertsGrain>("BER1").GetOpenAsync())
            .Any(a => a.Kind == AlertKind.AgvError && a.SubjectId == "acme/BER1-AGV-01")));
        await first.AssertOrdersValidAsync();
        await second.AssertOrdersValidAsync();
    }

    [Fact]
    public async Task A_failed_action_requeues_the_task_and_a_second_request_is_the_same_task()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "NYC1-AGV-01");
        await OnlineAndIdleAsync(agv, 16, 7);
        var (itemId, target) = await TransportItems.DispositionedAsync(_host.Grains, "NYC1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("NYC1");
        var task = await TaskOf(dispatcher, itemId);
        Assert.Equal(task.TaskId, (await dispatcher.RequestMoveAsync(new TransportRequest(itemId, task.FromLocation, target))).TaskId);

        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var pick = TestAgv.StepsOf(order).Pick;
        await agv.StateAsync(16, 7, order["orderId"]!.GetValue<string>(), 0, actions: [(pick, "pick", "FAILED")]);

        // The only other AGV of NYC1 is offline, so the task waits in the queue with the failure recorded.
        Assert.True(await Eventually.HoldsAsync(async () => (await TaskOf(dispatcher, itemId)) is { Status: TransportTaskStatus.Queued or TransportTaskStatus.Assigned, Attempts: >= 1, LastError: not null }));
        Assert.Contains("FAILED", (await TaskOf(dispatcher, itemId)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_the_agv_never_acknowledges_fails_that_attempt_and_requeues_the_task()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "CHI1-AGV-02");
        await OnlineAndIdleAsync(agv, 16, 7);
        var (itemId, _) = await TransportItems.DispositionedAsync(_host.Grains, "CHI1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("CHI1");

        // The AGV keeps reporting an idle state that never echoes the order.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        TransportTask task;
        do
        {
            await agv.StateAsync(16, 7, battery: 90);
            await Task.Delay(500);
            task = await TaskOf(dispatcher, itemId);
        }
        while (task.LastError is null && DateTime.UtcNow < deadline);

        Assert.Contains("not acknowledged", task.LastError, StringComparison.Ordinal);
        Assert.True(agv.Orders.Count >= 2);
        Assert.All(agv.Orders, o => Assert.Equal(agv.Orders[0]["orderId"]!.GetValue<string>(), o["orderId"]!.GetValue<string>()));
    }

    private static async Task<TransportTask> TaskOf(ITransportDispatcherGrain dispatcher, string itemId)
    {
        TransportTask? task = null;
        Assert.True(await Eventually.HoldsAsync(async () => (task = (await dispatcher.GetTasksAsync()).FirstOrDefault(t => t.ItemId == itemId)) is not null));
        return task!;
    }

    private async Task OnlineAndIdleAsync(TestAgv agv, double x, double y)
    {
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(x, y, battery: 90);
        var grain = _host.Grains.GetGrain<IAgvGrain>(agv.AgvId);
        Assert.True(await Eventually.HoldsAsync(async () => (await grain.GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle, X: var gx } && gx == x));
    }
}
