using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>The demo's simulated inspector turns received items into dispositions, and dispositions into transport tasks.</summary>
[Collection("devices")]
public sealed class SimulatedFloorCrewTests
{
    [Fact]
    public async Task The_simulated_crew_grades_and_dispositions_a_received_item_and_a_transport_task_follows()
    {
        await using var host = await DeviceHosts.StartAsync(overrides: new Dictionary<string, string>
        {
            ["Tracking:Simulator:FloorCrew"] = "true",
            ["Tracking:Simulator:InspectionSeconds"] = "0.2",
        });
        var itemId = $"LP-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var item = host.Grains.GetGrain<IReturnedItemGrain>(itemId);
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("operator"), null, "SKU-CREW"));

        ItemSnapshot? snapshot = null;
        Assert.True(await Eventually.HoldsAsync(async () => (snapshot = await item.GetAsync()) is { Disposition: not null }, TimeSpan.FromSeconds(30)),
            $"the crew never dispositioned the item (status {snapshot?.Status})");

        var history = await item.GetHistoryAsync();
        Assert.Contains(history, e => e.Actor == Actor.User("sim-inspector"));
        Assert.NotNull(snapshot!.Grade);
        var dispatcher = host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
        Assert.True(await Eventually.HoldsAsync(async () => (await dispatcher.GetTasksAsync()).Any(t => t.ItemId == itemId), TimeSpan.FromSeconds(10)),
            "no transport task for the dispositioned item");
    }
}
