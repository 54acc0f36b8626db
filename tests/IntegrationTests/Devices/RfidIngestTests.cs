using MQTTnet.Protocol;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>RFID reads through the real Mosquitto into gate and item grains.</summary>
[Collection("devices")]
public sealed class RfidIngestTests : IAsyncLifetime
{
    private TrackingHost _host = null!;
    private TestDevice _reader = null!;

    public async Task InitializeAsync()
    {
        _host = await DeviceHosts.StartAsync(overrides: new Dictionary<string, string>
        {
            ["Tracking:Rfid:SilentAfterSeconds"] = "2",
            ["Tracking:Mqtt:WatchdogIntervalSeconds"] = "0.5",
        });
        await DeviceHosts.WaitConnectedAsync(_host);
        _reader = await TestDevice.ConnectAsync(TestEnvironment.MqttPort);
    }

    public async Task DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task A_Zebra_read_puts_the_item_at_the_location_of_its_antenna()
    {
        var epc = TestDevice.NewEpc();
        await _reader.PublishAsync("tracking/rfid/AMS1-GATE-IN/events", TestDevice.ZebraRead(epc, 3, -55));

        var item = await WaitForItemAsync(epc);
        Assert.Equal(("AMS1", "DOCK-IN-02"), (item.Warehouse, item.Location));
        Assert.Equal(ItemStatus.Received, item.Status);
    }

    [Fact]
    public async Task An_Impinj_read_puts_the_item_at_the_location_of_its_antenna()
    {
        var epc = TestDevice.NewEpc();
        await _reader.PublishAsync("tracking/rfid/BER1-GATE-IN/events", $"[{TestDevice.ImpinjRead(epc, 1, -5400)}]");

        var item = await WaitForItemAsync(epc);
        Assert.Equal(("BER1", "DOCK-IN-01"), (item.Warehouse, item.Location));
    }

    [Fact]
    public async Task Five_hundred_reads_of_one_tag_on_three_antennas_make_exactly_one_arrival()
    {
        var epc = TestDevice.NewEpc();
        var random = new Random(7);
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("CHI1-GATE-IN");
        var before = (await gate.GetStatusAsync()).TotalReads;
        for (var message = 0; message < 50; message++)
        {
            var reads = Enumerable.Range(0, 10).Select(i =>
            {
                var antenna = (i % 3) + 1;
                var rssi = (antenna == 3 ? -72 : antenna == 2 ? -58 : -50) + ((random.NextDouble() - 0.5) * 6);
                return (i % 2 == 0) ? TestDevice.ZebraRead(epc, antenna, Math.Round(rssi)) : TestDevice.ImpinjRead(epc, antenna, (int)(rssi * 100));
            });
            await _reader.PublishAsync("tracking/rfid/CHI1-GATE-IN/events", $"[{string.Join(",", reads)}]");
        }

        Assert.True(await Eventually.HoldsAsync(async () => (await gate.GetStatusAsync()).TotalReads - before >= 500), "the gate did not see the 500 reads");
        var history = await _host.Grains.GetGrain<IReturnedItemGrain>(epc).GetHistoryAsync();
        var observation = Assert.Single(history);
        Assert.Equal("CHI1-GATE-IN", observation.Actor.Id);
        Assert.Equal("DOCK-IN-01", observation.Location);
    }

    [Fact]
    public async Task A_reader_that_stays_silent_raises_an_alert()
    {
        var alerts = _host.Grains.GetGrain<IAlertsGrain>("NYC1");
        Assert.True(await Eventually.HoldsAsync(async () => (await alerts.GetOpenAsync()).Any(a => a.AlertId == "silent-reader:NYC1-GATE-OUT" && a.Kind == AlertKind.SilentReader)));
    }

    [Fact]
    public async Task Gate_statistics_count_reads_and_tags_in_the_field()
    {
        var epc = TestDevice.NewEpc();
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-RESTOCK");
        await _reader.PublishAsync("tracking/rfid/AMS1-GATE-RESTOCK/events", $"[{TestDevice.ZebraRead(epc, 2, -50)},{TestDevice.ZebraRead(epc, 2, -51)}]", MqttQualityOfServiceLevel.AtMostOnce);

        Assert.True(await Eventually.HoldsAsync(async () => (await gate.GetStatusAsync()) is { TotalReads: >= 2, TagsInField: >= 1, LastSeen: not null, ReadsPerSecond: > 0 }));
    }

    private async Task<ItemSnapshot> WaitForItemAsync(string epc)
    {
        var grain = _host.Grains.GetGrain<IReturnedItemGrain>(epc);
        ItemSnapshot? item = null;
        Assert.True(await Eventually.HoldsAsync(async () => (item = await grain.GetAsync()) is not null, TimeSpan.FromSeconds(20)), $"item {epc} never appeared");
        return item!;
    }
}
