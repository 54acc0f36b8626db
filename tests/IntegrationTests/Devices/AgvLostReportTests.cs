using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>An AGV's report that its drop finished is lost on the way to the dispatcher; the item must still be moved.</summary>
[Collection("devices")]
public sealed class AgvLostReportTests : IAsyncLifetime
{
    private readonly LostDropReports _faults = new();
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await DeviceHosts.StartAsync(configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(_faults));
        await DeviceHosts.WaitConnectedAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_finished_drop_whose_report_was_lost_still_completes_the_task_and_moves_the_item()
    {
        await using var agv = await TestAgv.ConnectAsync(TestEnvironment.MqttPort, "acme", "AMS1-AGV-02");
        await agv.ConnectionAsync("ONLINE");
        await agv.StateAsync(16, 7, battery: 90);
        Assert.True(await Eventually.HoldsAsync(async () => (await _host.Grains.GetGrain<IAgvGrain>(agv.AgvId).GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle }));

        var (itemId, target) = await TransportItems.DispositionedAsync(_host.Grains, "AMS1");
        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        var orderId = order["orderId"]!.GetValue<string>();
        var (pick, drop, dropNode) = TestAgv.StepsOf(order);
        await agv.StateAsync(7, 22, orderId, 0, actions: [(pick, "pick", "FINISHED"), (drop, "drop", "FINISHED")], lastNodeId: dropNode);

        var dispatcher = _host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await dispatcher.GetTasksAsync()).FirstOrDefault(t => t.ItemId == itemId)?.Status == TransportTaskStatus.Completed), "the task never completed");
        Assert.Equal(1, _faults.Lost);
        var item = (await _host.Grains.GetGrain<IReturnedItemGrain>(itemId).GetAsync())!;
        Assert.Equal((target, ItemStatus.Stored), (item.Location, item.Status));
    }
}
