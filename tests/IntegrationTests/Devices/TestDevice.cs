using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A device played by the test: its own MQTT 5 client that publishes and records what it receives.</summary>
internal sealed class TestDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;

    private TestDevice(IMqttClient client) => _client = client;

    public MqttClientConnectResult? ConnectResult { get; private set; }

    public ConcurrentQueue<(string Topic, string Payload)> Received { get; } = new();

    public bool IsConnected => _client.IsConnected;

    public static async Task<TestDevice> ConnectAsync(int port, string? clientId = null, string? username = null, string? password = null, (string Topic, string Payload)? will = null, bool cleanStart = true)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new TestDevice(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            device.Received.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId ?? $"test-{Guid.NewGuid():N}")
            .WithCleanStart(cleanStart)
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (!cleanStart)
        {
            builder = builder.WithSessionExpiryInterval(300);
        }

        if (username is not null)
        {
            builder = builder.WithCredentials(username, password);
        }

        if (will is { } w)
        {
            builder = builder.WithWillTopic(w.Topic).WithWillPayload(w.Payload).WithWillRetain(true).WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        device.ConnectResult = await client.ConnectAsync(builder.Build());
        return device;
    }

    public async Task<MqttClientPublishResult> PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool retain = false) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build());

    public async Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).Build());

    public async Task<MqttClientSubscribeResult> SubscribeAsync(string filter) =>
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public IReadOnlyList<string> ReceivedOn(string topic) => Received.Where(m => m.Topic == topic).Select(m => m.Payload).ToArray();

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker closed the connection first (another client took its session over): nothing left to close.
            }
        }

        _client.Dispose();
    }

    /// <summary>A Zebra IoT Connector data event for one read (offset written +0000, as Zebra does).</summary>
    public static string ZebraRead(string epc, int antenna, double rssi, DateTimeOffset? at = null) => Serialize(new
    {
        type = "SIMPLE",
        timestamp = (at ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
        data = new { MAC = "C4:7D:CC:00:00:01", antenna, eventNum = 1, format = "epc", idHex = epc.ToLowerInvariant(), peakRssi = rssi, reads = 1 },
    });

    /// <summary>An Impinj IoT Device Interface tagInventory event for one read.</summary>
    public static string ImpinjRead(string epc, int antenna, int rssiCdbm) => Serialize(new
    {
        timestamp = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        hostname = "impinj-test",
        eventType = "tagInventory",
        tagInventoryEvent = new { epcHex = epc, antennaPort = antenna, peakRssiCdbm = rssiCdbm, lastSeenTime = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) },
    });

    public static string NewEpc() => "30" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..22];

    /// <summary>Devices write '+' as is, not as \u002B as System.Text.Json does by default.</summary>
    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, DeviceJson);

    private static readonly JsonSerializerOptions DeviceJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
