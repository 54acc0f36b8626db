using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// The bridge never has more than ReceiveMaximum device messages in hand, even though Mosquitto 2.0.11 stops keeping
/// that window once acknowledgements flow and sends all it has queued; the rest wait their turn and every read still
/// reaches its item. Items are made slow for real: PostgreSQL sleeps on every item state row.
/// </summary>
[Collection("devices")]
public sealed class BridgeWindowTests : DeviceHostOnOwnDatabase
{
    private const int Window = 4;
    private const string Gate = "NYC1-GATE-IN";

    protected override void Configure(Dictionary<string, string> settings) =>
        settings["Tracking:Mqtt:ReceiveMaximum"] = Window.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_burst_of_reads_for_slow_items_is_taken_in_no_more_than_the_window_at_a_time_and_all_reach_their_items()
    {
        var bridge = Host.Services.GetRequiredService<MqttBridgeClient>();
        await DeviceHosts.WaitConnectedAsync(Host);
        await Database.ExecuteAsync("""
            CREATE FUNCTION slow_item() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN NEW; END $$;
            CREATE TRIGGER slow_item BEFORE INSERT OR UPDATE ON grain_state FOR EACH ROW WHEN (NEW.state_name = 'item') EXECUTE FUNCTION slow_item();
            """);
        var epcs = Enumerable.Range(0, 10 * Window).Select(_ => TestDevice.NewEpc()).ToList();

        var most = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                most = Math.Max(most, bridge.InProcess);
                await Task.Delay(5);
            }
        });
        await using (var reader = await TestDevice.ConnectAsync(TestEnvironment.MqttPort, clientId: $"gate-{Guid.NewGuid():N}"))
        {
            foreach (var epc in epcs)
            {
                Assert.True((await reader.PublishAsync($"tracking/rfid/{Gate}/events", TestDevice.ZebraRead(epc, 1, -50))).IsSuccess);
            }
        }

        var items = epcs.Select(epc => Host.Grains.GetGrain<IReturnedItemGrain>(epc)).ToList();
        Assert.True(
            await Eventually.HoldsAsync(async () => (await Task.WhenAll(items.Select(i => i.GetAsync()))).All(s => s is not null), TimeSpan.FromSeconds(60)),
            "not every read reached its item");
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(bridge.Unacknowledged == 0 && bridge.InProcess == 0), TimeSpan.FromSeconds(30)),
            $"the bridge still holds {bridge.Unacknowledged} unacknowledged message(s), {bridge.InProcess} in process");
        await sampling.CancelAsync();
        await sampler;

        // The window was used to the full and never overrun.
        Assert.Equal(Window, most);
    }
}
