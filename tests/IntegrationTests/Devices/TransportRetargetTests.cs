using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// A transport task whose item's destination changes, or whose AGV fails it, still gets the item where it belongs. An
/// inspector overriding a disposition while the first move waited used to leave the task going to the old place, the new
/// request refused as "item busy", and the item in a zone it no longer belonged to with no task to move it on.
/// </summary>
public sealed class TransportRetargetTests : IAsyncLifetime
{
    private readonly int _brokerPort = TestEnvironment.FreeTcpPort();
    private TrackingHost _host = null!;

    // A broker of its own (not the shared test broker): no AGV talks to it unless a test connects one, so a task waits.
    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync(new Dictionary<string, string>
    {
        ["Tracking:Mqtt:Mode"] = "Embedded",
        ["Tracking:Mqtt:Port"] = _brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_disposition_overridden_while_its_move_waits_for_an_agv_sends_the_waiting_task_to_the_new_place()
    {
        var (itemId, restockPlace) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        var first = Assert.Single(await dispatcher.GetTasksAsync(), t => t.ItemId == itemId);
        Assert.Equal((TransportTaskStatus.Queued, restockPlace), (first.Status, first.ToLocation));

        var overridden = await _host.Grains.GetGrain<IReturnedItemGrain>(itemId)
            .DispositionAsync(new DispositionItem(Actor.User("inspector"), Disposition.Scrap, "water damage found on a second look"));

        var scrapPlace = overridden.Target!.Location!;
        Assert.NotEqual(restockPlace, scrapPlace);
        var task = Assert.Single(await dispatcher.GetTasksAsync(), t => t.ItemId == itemId);
        Assert.Equal((first.TaskId, TransportTaskStatus.Queued, scrapPlace), (task.TaskId, task.Status, task.ToLocation));
    }

    [Fact]
    public async Task An_agv_failing_the_task_that_carries_an_overridden_item_hands_back_a_task_straight_to_the_new_place()
    {
        await using var agv = await IdleAgvAsync();
        var (itemId, restockPlace) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var carrying = Assert.Single(await dispatcher.GetTasksAsync(), t => t.ItemId == itemId);
        Assert.Equal((TransportTaskStatus.Assigned, restockPlace), (carrying.Status, carrying.ToLocation));

        var scrapPlace = (await _host.Grains.GetGrain<IReturnedItemGrain>(itemId)
            .DispositionAsync(new DispositionItem(Actor.User("inspector"), Disposition.Scrap, "water damage found on a second look"))).Target!.Location!;
        var followUp = Assert.Single(await dispatcher.GetTasksAsync(), t => t.ItemId == itemId && t.TaskId != carrying.TaskId);

        // The pick fails: the item never left, so its task is queued again to go straight to the scrap place, and the
        // follow-up that would have started at the restock place ends, saying why.
        await agv.StateAsync(16, 7, order["orderId"]!.GetValue<string>(), 0, actions: [(TestAgv.StepsOf(order).Pick, "pick", "FAILED")]);
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await dispatcher.GetTasksAsync()).Single(t => t.TaskId == carrying.TaskId) is { Attempts: 1, LastError: not null, Status: TransportTaskStatus.Queued or TransportTaskStatus.Assigned }));
        var tasks = await dispatcher.GetTasksAsync();
        Assert.Equal(scrapPlace, tasks.Single(t => t.TaskId == carrying.TaskId).ToLocation);
        var ended = tasks.Single(t => t.TaskId == followUp.TaskId);
        Assert.Equal(TransportTaskStatus.Failed, ended.Status);
        Assert.StartsWith("superseded", ended.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_that_the_only_free_agv_failed_does_not_hold_back_the_tasks_queued_behind_it()
    {
        await using var agv = await IdleAgvAsync();
        var (failedItem, _) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == failedItem);
        await agv.StateAsync(16, 7, order["orderId"]!.GetValue<string>(), 0, actions: [(TestAgv.StepsOf(order).Pick, "pick", "FAILED")]);
        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await dispatcher.GetTasksAsync()).Single(t => t.ItemId == failedItem) is { Status: TransportTaskStatus.Queued, Attempts: 1 }));

        // The failed task waits for another AGV (AMS1-AGV-02 is offline); the next item's task goes to the free one.
        var (nextItem, _) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        await agv.StateAsync(16, 7, battery: 90);
        await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == nextItem);
        Assert.Equal(TransportTaskStatus.Queued, (await dispatcher.GetTasksAsync()).Single(t => t.ItemId == failedItem).Status);
    }

    private async Task<TestAgv> IdleAgvAsync()
    {
        var agv = await TestAgv.ConnectAsync(_brokerPort, "acme", "AMS1-AGV-01");
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(16, 7, battery: 90);
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await _host.Grains.GetGrain<IAgvGrain>(agv.AgvId).GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle }));
        return agv;
    }
}
