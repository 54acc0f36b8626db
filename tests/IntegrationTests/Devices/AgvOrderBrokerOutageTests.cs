using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A transport order assigned while a private Mosquitto is down.</summary>
[Collection("devices")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgvOrderBrokerOutageTests
{
    [Fact]
    public async Task An_order_waits_out_a_broker_outage_without_counting_as_unacknowledged_and_goes_out_once_the_broker_is_back()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistence: true);
        await using var host = await DeviceHosts.StartAsync(broker.Port, new Dictionary<string, string>
        {
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = "",
            ["Tracking:Mqtt:ReconnectMaxDelaySeconds"] = "0.5",
            ["Tracking:Transport:OrderResendSeconds"] = "0.2",
            ["Tracking:Transport:MaxUnacknowledgedSends"] = "2",
        });
        await DeviceHosts.WaitConnectedAsync(host);
        var bridge = host.Services.GetRequiredService<MqttBridgeClient>();
        var agv = await TestAgv.ConnectAsync(broker.Port, "acme", "AMS1-AGV-01");
        try
        {
            await agv.ConnectionAsync("ONLINE");
            await agv.StateAsync(16, 7, battery: 90);
            var grain = host.Grains.GetGrain<IAgvGrain>(agv.AgvId);
            Assert.True(await Eventually.HoldsAsync(async () => (await grain.GetAsync()) is { Connection: "ONLINE", Availability: AgvAvailability.Idle }));

            await broker.StopAsync();
            Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(!bridge.IsConnected), TimeSpan.FromSeconds(20)), "bridge did not notice the broker going away");

            var (itemId, _) = await TransportItems.DispositionedAsync(host.Grains, "AMS1");
            var dispatcher = host.Grains.GetGrain<ITransportDispatcherGrain>("AMS1");
            Assert.True(await Eventually.HoldsAsync(async () => (await TaskOf(dispatcher, itemId)) is { Status: TransportTaskStatus.Assigned }));

            // Ten resend periods, five times the unacknowledged sends allowed: none of them reached a broker.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var waiting = (await TaskOf(dispatcher, itemId))!;
            Assert.Equal((TransportTaskStatus.Assigned, agv.AgvId, 1, (string?)null), (waiting.Status, waiting.AgvId, waiting.Attempts, waiting.LastError));

            await broker.StartAgainAsync();
            await agv.DisposeAsync();
            agv = await TestAgv.ConnectAsync(broker.Port, "acme", "AMS1-AGV-01");
            var order = await agv.WaitForOrderAsync(o => TestAgv.LoadOf(o) == itemId);
            // The order that waited out the outage, not a new attempt.
            Assert.Equal(waiting.OrderId, order["orderId"]!.GetValue<string>());
            await agv.AssertOrdersValidAsync();
        }
        finally
        {
            await agv.DisposeAsync();
        }
    }

    private static async Task<TransportTask?> TaskOf(ITransportDispatcherGrain dispatcher, string itemId) =>
        (await dispatcher.GetTasksAsync()).FirstOrDefault(t => t.ItemId == itemId);
}
