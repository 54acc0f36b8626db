using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// An inspector overrides a disposition while the item's first move still waits for an AGV: the waiting task goes to
/// the new place. (It kept going to the old one, the new request was refused as "item busy", and the item ended up in
/// a zone it no longer belonged to, holding a place elsewhere, with no task to move it on.)
/// </summary>
public sealed class TransportRetargetTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    // A broker of its own that no AGV talks to (not the shared test broker): the task waits in the queue.
    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync(new Dictionary<string, string>
    {
        ["Tracking:Mqtt:Mode"] = "Embedded",
        ["Tracking:Mqtt:Port"] = TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
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
}
