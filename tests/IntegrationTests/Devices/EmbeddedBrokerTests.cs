using System.Net;
using System.Net.Sockets;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>The in-process MQTTnet broker of the default run, reached by real MQTT clients, with per-device credentials.</summary>
[Collection("devices")]
public sealed class EmbeddedBrokerTests : IAsyncLifetime
{
    private const string GatePassword = "gate-secret";
    private const string AgvPassword = "agv-secret";
    private TrackingHost _host = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        _port = TestEnvironment.FreeTcpPort();
        _host = await DeviceHosts.StartAsync(_port, new Dictionary<string, string>
        {
            ["Tracking:Mqtt:Mode"] = "Embedded",
            ["Tracking:Mqtt:AllowAnonymousDevices"] = "false",
            ["Tracking:Mqtt:DeviceCredentials:0:Username"] = "AMS1-GATE-IN",
            ["Tracking:Mqtt:DeviceCredentials:0:Sha256"] = DeviceRegistry.HashHex(GatePassword),
            ["Tracking:Mqtt:DeviceCredentials:1:Username"] = "acme/AMS1-AGV-01",
            ["Tracking:Mqtt:DeviceCredentials:1:Sha256"] = DeviceRegistry.HashHex(AgvPassword),
        });
        await DeviceHosts.WaitConnectedAsync(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_device_with_its_credentials_publishes_reads_that_reach_the_item()
    {
        await using var gate = await TestDevice.ConnectAsync(_port, username: "AMS1-GATE-IN", password: GatePassword);
        var epc = TestDevice.NewEpc();
        var result = await gate.PublishAsync("tracking/rfid/AMS1-GATE-IN/events", TestDevice.ZebraRead(epc, 1, -50));
        Assert.True(result.IsSuccess);
        var item = _host.Grains.GetGrain<IReturnedItemGrain>(epc);
        Assert.True(await Eventually.HoldsAsync(async () => (await item.GetAsync())?.Location == "DOCK-IN-01"));
    }

    [Fact]
    public async Task A_device_may_not_publish_under_another_devices_topic()
    {
        await using var gate = await TestDevice.ConnectAsync(_port, username: "AMS1-GATE-IN", password: GatePassword);
        var result = await gate.PublishAsync("tracking/rfid/AMS1-GATE-OUT/events", TestDevice.ZebraRead(TestDevice.NewEpc(), 1, -50));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        var order = await gate.PublishAsync("uagv/v2/acme/AMS1-AGV-01/order", "{}");
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, order.ReasonCode);
    }

    [Fact]
    public async Task An_agv_subscribes_to_its_own_orders_only()
    {
        await using var agv = await TestDevice.ConnectAsync(_port, username: "acme/AMS1-AGV-01", password: AgvPassword);
        var own = await agv.SubscribeAsync("uagv/v2/acme/AMS1-AGV-01/order");
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, Assert.Single(own.Items).ResultCode);
        var other = await agv.SubscribeAsync("uagv/v2/acme/AMS1-AGV-02/order");
        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(other.Items).ResultCode);
        Assert.True((await agv.PublishAsync("uagv/v2/acme/AMS1-AGV-01/state", "{}")).IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, (await agv.PublishAsync("uagv/v2/acme/AMS1-AGV-02/state", "{}")).ReasonCode);
    }

    [Fact]
    public async Task A_device_cannot_take_over_another_devices_client_id_and_session()
    {
        var clientId = $"shared-{Guid.NewGuid():N}";
        await using (var agv = await TestDevice.ConnectAsync(_port, clientId, "acme/AMS1-AGV-01", AgvPassword, cleanStart: false))
        {
            Assert.True((await agv.PublishAsync("uagv/v2/acme/AMS1-AGV-01/state", "{}")).IsSuccess);
            await agv.SubscribeAsync("uagv/v2/acme/AMS1-AGV-01/order");
        }

        // The gate asks for the AGV's session (same client id, clean start off): it would inherit the AGV's subscription
        // to its orders and the messages queued for it. Refused; the AGV still gets its own session back.
        await using var gate = await TestDevice.ConnectAsync(_port, clientId, "AMS1-GATE-IN", GatePassword, cleanStart: false);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, gate.ConnectResult!.ResultCode);
        Assert.False(gate.IsConnected);
        await using var again = await TestDevice.ConnectAsync(_port, clientId, "acme/AMS1-AGV-01", AgvPassword, cleanStart: false);
        Assert.Equal(MqttClientConnectResultCode.Success, again.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task Wrong_or_missing_credentials_are_refused()
    {
        await using var wrong = await TestDevice.ConnectAsync(_port, username: "AMS1-GATE-IN", password: "nope");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrong.ConnectResult!.ResultCode);
        Assert.False(wrong.IsConnected);
        await using var anonymous = await TestDevice.ConnectAsync(_port);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymous.ConnectResult!.ResultCode);
        Assert.False(anonymous.IsConnected);
    }

    [Fact]
    public async Task An_mqtt5_client_with_an_empty_client_id_is_given_one()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("")
            .WithCredentials("AMS1-GATE-IN", GatePassword)
            .Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.False(string.IsNullOrEmpty(result.AssignedClientIdentifier));
        await client.DisconnectAsync(new MqttClientDisconnectOptions());
        client.Dispose();
    }

    [Fact]
    public async Task The_broker_listens_on_ipv4_loopback_only()
    {
        using var v4 = new TcpClient(AddressFamily.InterNetwork);
        await v4.ConnectAsync(IPAddress.Loopback, _port);
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAnyAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, _port));
    }

    [Fact]
    public async Task The_ready_probe_includes_the_broker()
    {
        using var client = _host.CreateClient(apiKey: null);
        Assert.True(await Eventually.HoldsAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK));
    }
}
