using Tracking.Grains.Interfaces.Devices;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// An AGV whose assignment cannot be stored keeps none: the dispatcher's next try assigns it again and the order goes
/// out. (It kept the unstored assignment in memory, so every later try found it "already assigned" and sent nothing:
/// the task stayed Assigned forever and the AGV refused all other work.) The fault is real: PostgreSQL refuses the AGV's
/// state rows for a while.
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
        await Database.ExecuteAsync($"""
            CREATE FUNCTION refuse_agv() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'test fault: agv state refused'; END $$;
            CREATE TRIGGER refuse_agv BEFORE INSERT OR UPDATE ON grain_state
                FOR EACH ROW WHEN (NEW.grain_id LIKE 'agv/%BER1-AGV-02%') EXECUTE FUNCTION refuse_agv();
            """);

        var (itemId, _) = await TransportItems.DispositionedAsync(Host.Grains, "BER1");
        var dispatcher = Host.Grains.GetGrain<ITransportDispatcherGrain>("BER1");
        Assert.True(await Eventually.HoldsAsync(async () => (await dispatcher.GetTasksAsync()).Any(t => t.ItemId == itemId)), "no transport task");
        // Several dispatcher ticks (every 0.5 s) try the AGV while its writes are refused.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Database.ExecuteAsync("DROP TRIGGER refuse_agv ON grain_state; DROP FUNCTION refuse_agv();");

        var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
        Assert.NotNull(order["orderId"]);
    }
}
