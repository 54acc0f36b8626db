using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A private Mosquitto (with persistence) restarted while a device publishes QoS 1 reads.</summary>
[Collection("devices")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BrokerResilienceTests
{
    [Fact]
    public async Task The_bridge_reconnects_after_a_broker_restart_and_no_QoS_1_message_is_lost()
    {
        await using var broker = await MosquittoProcess.StartAsync(persistence: true);
        await using var host = await DeviceHosts.StartAsync(broker.Port, new Dictionary<string, string>
        {
            ["Tracking:Rfid:DepartureSilenceSeconds"] = "600",
            // Mosquitto 2.0 does not restore shared subscriptions from its persistence file (checked with
            // mosquitto_sub), so only a plain persistent subscription survives a broker restart without loss.
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = "",
            ["Tracking:Mqtt:ReconnectMaxDelaySeconds"] = "0.5",
        });
        await DeviceHosts.WaitConnectedAsync(host);
        var bridge = host.Services.GetRequiredService<MqttBridgeClient>();

        const int total = 300;
        var epcs = Enumerable.Range(0, total).Select(_ => TestDevice.NewEpc()).ToArray();
        var device = await TestDevice.ConnectAsync(broker.Port, clientId: "resilience-gate");
        for (var i = 0; i < total; i++)
        {
            if (i == total / 3)
            {
                await broker.StopAsync();
                Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(!bridge.IsConnected), TimeSpan.FromSeconds(20)), "bridge did not notice the broker going away");
                await broker.StartAgainAsync();
            }

            // A real reader retries until the broker acknowledges (PUBACK): that is its half of QoS 1.
            while (true)
            {
                try
                {
                    if (!device.IsConnected)
                    {
                        await device.DisposeAsync();
                        device = await TestDevice.ConnectAsync(broker.Port, clientId: "resilience-gate");
                    }

                    var result = await device.PublishAsync("tracking/rfid/NYC1-GATE-IN/events", TestDevice.ZebraRead(epcs[i], 1, -50));
                    if (result.IsSuccess)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is MqttCommunicationException or InvalidOperationException or OperationCanceledException)
                {
                    await Task.Delay(100);
                }
            }
        }

        await device.DisposeAsync();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(bridge.IsConnected), TimeSpan.FromSeconds(20)), "bridge did not reconnect");
        var gate = host.Grains.GetGrain<IRfidGateGrain>("NYC1-GATE-IN");
        Assert.True(await Eventually.HoldsAsync(async () => (await gate.GetStatusAsync()).TagsInField == total, TimeSpan.FromSeconds(90)),
            $"the gate has {(await gate.GetStatusAsync()).TagsInField} of {total} tags; dead letters {host.Services.GetRequiredService<IDeadLetterLog>().Snapshot().Total}; connected {bridge.IsConnected}");
        Assert.Equal(total, (await gate.GetStatusAsync()).Arrivals);
    }

    [Fact]
    public async Task After_a_refused_subscription_the_bridge_connects_again_and_stays_connected()
    {
        // A broker (MQTTnet, in this test) that refuses the bridge's first subscription and accepts every later one.
        var port = TestEnvironment.FreeTcpPort();
        var refusals = 1;
        var connects = 0;
        using var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointPort(port).WithDefaultEndpointBoundIPAddress(System.Net.IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(System.Net.IPAddress.None).WithPersistentSessions(true).Build());
        server.ClientConnectedAsync += _ =>
        {
            Interlocked.Increment(ref connects);
            return Task.CompletedTask;
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            if (Interlocked.Decrement(ref refusals) >= 0)
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        await server.StartAsync();
        await using var host = await DeviceHosts.StartAsync(port, new Dictionary<string, string>
        {
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = "",
            ["Tracking:Mqtt:ReconnectMaxDelaySeconds"] = "0.5",
        });
        await DeviceHosts.WaitConnectedAsync(host);
        var bridge = host.Services.GetRequiredService<MqttBridgeClient>();

        // Before the fix the first connection's disconnect signal ended the wait on the second at once, and every later
        // connection was torn down within milliseconds (connects kept climbing, nothing was ever acknowledged).
        await Task.Delay(TimeSpan.FromSeconds(1));
        var settled = Volatile.Read(ref connects);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(settled, Volatile.Read(ref connects));
        Assert.True(bridge.IsConnected);
        Assert.Equal(2, settled);

        await using var device = await TestDevice.ConnectAsync(port, clientId: "refusal-gate");
        var epc = TestDevice.NewEpc();
        Assert.True((await device.PublishAsync("tracking/rfid/NYC1-GATE-IN/events", TestDevice.ZebraRead(epc, 1, -50))).IsSuccess);
        var item = host.Grains.GetGrain<Tracking.Grains.Interfaces.Items.IReturnedItemGrain>(epc);
        Assert.True(await Eventually.HoldsAsync(async () => (await item.GetAsync()) is not null), "the read did not reach its item");
    }
}
