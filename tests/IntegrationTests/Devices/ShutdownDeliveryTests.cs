using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// Nothing the broker handed to the bridge is lost when the bridge stops: a graceful stop drains the lanes into the
/// grains, and whatever was not in a grain yet was never acknowledged, so the broker redelivers it to the next host
/// with the same ClientId (persistent session, QoS 1). PostgreSQL storage, so grains outlive the first host.
/// </summary>
[Collection("devices")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ShutdownDeliveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Gate = "NYC1-GATE-IN";
    private readonly PostgresDatabase _database = new();
    private readonly string _clientId = $"bridge-{Guid.NewGuid():N}";
    private MosquittoProcess _broker = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _broker = await MosquittoProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_graceful_stop_in_the_middle_of_a_stream_loses_no_read()
    {
        var epcs = Enumerable.Range(0, 600).Select(_ => TestDevice.NewEpc()).ToArray();
        var first = await StartHostAsync();
        await using var reader = await TestDevice.ConnectAsync(_broker.Port, clientId: "shutdown-gate");

        Task? stopping = null;
        for (var i = 0; i < epcs.Length; i++)
        {
            if (i == epcs.Length / 2)
            {
                // The reader keeps publishing while the bridge shuts down: the broker queues for its session.
                stopping = first.StopAsync();
            }

            Assert.True((await reader.PublishAsync($"tracking/rfid/{Gate}/events", TestDevice.ZebraRead(epcs[i], 1, -50))).IsSuccess);
        }

        await stopping!;
        await first.DisposeAsync();

        await using var second = await StartHostAsync();
        await AssertEveryItemArrivedAsync(second, epcs);
    }

    [Fact]
    public async Task Reads_still_queued_when_shutdown_is_cut_short_are_redelivered_to_the_next_host()
    {
        var epcs = Enumerable.Range(0, 1500).Select(_ => TestDevice.NewEpc()).ToArray();
        var first = await StartHostAsync();
        await using (var reader = await TestDevice.ConnectAsync(_broker.Port, clientId: "crash-gate"))
        {
            await Task.WhenAll(epcs.Chunk(100).Select(async chunk =>
            {
                foreach (var epc in chunk)
                {
                    Assert.True((await reader.PublishAsync($"tracking/rfid/{Gate}/events", TestDevice.ZebraRead(epc, 1, -50))).IsSuccess);
                }
            }));
        }

        // No shutdown budget at all: the lanes are abandoned as in a crash; what they held was never acknowledged.
        var bridge = first.Services.GetRequiredService<MqttBridgeClient>();
        var unacknowledgedAtStop = bridge.Unacknowledged;
        try
        {
            await first.StopAsync(TimeSpan.Zero);
        }
        catch (OperationCanceledException)
        {
            // Expected: the host had no time to stop anything gracefully.
        }
        await first.DisposeAsync();

        await using var second = await StartHostAsync();
        output.WriteLine($"QoS 1 messages unacknowledged when the first host stopped: {unacknowledgedAtStop}");
        await AssertEveryItemArrivedAsync(second, epcs);
    }

    [Fact]
    public async Task The_device_bridge_stops_before_the_silo()
    {
        await using var host = await StartHostAsync();

        // Hosted services stop in reverse registration order: the bridge must come after the silo in this list.
        var services = host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        output.WriteLine(string.Join(", ", services));
        var silo = services.FindIndex(n => n.Contains("Silo", StringComparison.Ordinal));
        Assert.True(silo >= 0, "no Orleans silo hosted service found");
        Assert.True(services.IndexOf(nameof(DeviceBridge.Ingest.DeviceMessageProcessor)) > silo);
        Assert.True(services.IndexOf(nameof(MqttBridgeClient)) > silo);
    }

    private Task<TrackingHost> StartHostAsync()
    {
        var settings = LifecycleHostFixture.Settings(_database.ConnectionString);
        settings["Tracking:Mqtt:ClientId"] = _clientId;
        settings["Tracking:Rfid:DepartureSilenceSeconds"] = "600";
        // A plain persistent subscription: the session, not a share group, is what queues for the next host.
        settings["Tracking:Mqtt:SharedSubscriptionGroup"] = "";
        return DeviceHosts.StartAsync(_broker.Port, settings);
    }

    private async Task AssertEveryItemArrivedAsync(TrackingHost host, string[] epcs)
    {
        var missing = epcs.ToList();
        var arrived = await Eventually.HoldsAsync(async () =>
        {
            var found = await Task.WhenAll(missing.Select(async epc => (epc, item: await host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync())));
            missing = found.Where(f => f.item is null).Select(f => f.epc).ToList();
            return missing.Count == 0;
        }, TimeSpan.FromSeconds(60));
        if (!arrived)
        {
            // Tells a read that never reached any item (lost) from one stored by the first host after the second host's
            // item activation had already read its state (stale).
            var journaled = await _database.ScalarAsync<long>(
                $"SELECT count(*) FROM item_journal WHERE item_id IN ({string.Join(", ", missing.Select(e => $"'{e}'"))})");
            Assert.Fail($"{missing.Count} of {epcs.Length} reads never reached an item grain ({journaled} journal event(s) for them in PostgreSQL), e.g. {string.Join(", ", missing.Take(3))}");
        }
    }
}
