using System.Globalization;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.Grains.Interfaces.Devices;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>
/// RFID readers and AGVs played by a test over the real test Mosquitto, sending what real devices send (the shapes of
/// the protocol samples: Zebra IoT Connector events, VDA 5050 2.1 state), so the live-map tests cover the whole path
/// broker → bridge → gate/AGV grain → stream → hub.
/// </summary>
public sealed class FloorDevices : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Dictionary<string, long> _headerIds = new(StringComparer.Ordinal);
    private long _eventNum;

    private FloorDevices(IMqttClient client) => _client = client;

    public static async Task<FloorDevices> ConnectAsync()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", TestEnvironment.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"live-test-{Guid.NewGuid():N}")
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(5))
            .Build());
        return new FloorDevices(client);
    }

    /// <summary>A new SGTIN-96-shaped EPC nobody has seen (header 0x30), so a test's item cannot collide with another's.</summary>
    public static string NewEpc() => "30" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..22];

    /// <summary>
    /// Waits until the host's bridge is subscribed: the test broker keeps nothing for a subscription that does not
    /// exist yet, and "connected" alone does not say the subscribe has gone through. A probe on an unknown reader's
    /// topic comes back as a dead letter only once the bridge receives device topics.
    /// </summary>
    public async Task WaitUntilBridgedAsync(TrackingHost host)
    {
        var deadLetters = host.Services.GetRequiredService<IDeadLetterLog>();
        var probe = $"tracking/rfid/PROBE-{Guid.NewGuid():N}/events";
        var bridged = await Storage.Eventually.HoldsAsync(
            async () =>
            {
                if (deadLetters.Snapshot(DeadLetterReasons.UnknownReader, 1000).Recent.Any(d => d.Topic == probe))
                {
                    return true;
                }

                await PublishAsync(probe, "{}", MqttQualityOfServiceLevel.AtLeastOnce);
                return false;
            },
            TimeSpan.FromSeconds(20));
        Assert.True(bridged, "the host's bridge did not receive device topics from the test Mosquitto");
    }

    /// <summary>One Zebra IoT Connector data event (the shape of the protocol sample) for one tag on the reader's topic.</summary>
    public Task ZebraReadAsync(string readerId, string epc, int antenna, int peakRssi = -55)
    {
        var evt = new JsonObject
        {
            ["type"] = "SIMPLE",
            ["timestamp"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
            ["data"] = new JsonObject
            {
                ["MAC"] = "C4:7D:CC:00:00:01",
                ["antenna"] = antenna,
                ["eventNum"] = Interlocked.Increment(ref _eventNum),
                ["format"] = "epc",
                ["idHex"] = epc.ToLowerInvariant(), // readers send lower case; the bridge normalises
                ["peakRssi"] = peakRssi,
                ["reads"] = 1,
            },
        };
        return PublishAsync($"tracking/rfid/{readerId}/events", evt.ToJsonString(), MqttQualityOfServiceLevel.AtLeastOnce);
    }

    /// <summary>
    /// A VDA 5050 2.1 <c>state</c> of AGV <c>{manufacturer}/{serial}</c> driving (no order) at (x, y) on the warehouse's
    /// map, shaped like the protocol sample; headerId counts up per AGV.
    /// </summary>
    public Task AgvStateAsync(string agvId, string warehouse, double x, double y, double battery = 76.5)
    {
        var slash = agvId.IndexOf('/', StringComparison.Ordinal);
        var (manufacturer, serial) = (agvId[..slash], agvId[(slash + 1)..]);
        var headerId = _headerIds[agvId] = _headerIds.GetValueOrDefault(agvId) + 1;
        var state = new JsonObject
        {
            ["headerId"] = headerId,
            ["timestamp"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["version"] = "2.1.0",
            ["manufacturer"] = manufacturer,
            ["serialNumber"] = serial,
            ["orderId"] = "",
            ["orderUpdateId"] = 0,
            ["lastNodeId"] = "",
            ["lastNodeSequenceId"] = 0,
            ["driving"] = true,
            ["operatingMode"] = "AUTOMATIC",
            ["nodeStates"] = new JsonArray(),
            ["edgeStates"] = new JsonArray(),
            ["agvPosition"] = new JsonObject { ["x"] = x, ["y"] = y, ["theta"] = 1.57, ["mapId"] = warehouse, ["positionInitialized"] = true },
            ["velocity"] = new JsonObject { ["vx"] = 0.8, ["vy"] = 0.0, ["omega"] = 0.0 },
            ["loads"] = new JsonArray(),
            ["batteryState"] = new JsonObject { ["batteryCharge"] = battery, ["charging"] = false },
            ["actionStates"] = new JsonArray(),
            ["errors"] = new JsonArray(),
            ["safetyState"] = new JsonObject { ["eStop"] = "NONE", ["fieldViolation"] = false },
        };

        // VDA 5050 sends state at QoS 0.
        return PublishAsync($"uagv/v2/{manufacturer}/{serial}/state", state.ToJsonString(), MqttQualityOfServiceLevel.AtMostOnce);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions());
        }

        _client.Dispose();
    }

    private async Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos)
    {
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .Build());
        Assert.True(result.IsSuccess, $"the broker refused the publish to {topic}: {result.ReasonCode}");
    }
}
