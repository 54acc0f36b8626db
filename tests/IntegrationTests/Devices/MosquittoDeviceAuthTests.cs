using MQTTnet;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Warehouses;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>Mosquitto run with the password file and ACL generated from the device registry.</summary>
[Collection("devices")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MosquittoDeviceAuthTests
{
    [Fact]
    public async Task Generated_credentials_and_acl_let_each_device_publish_only_its_own_topics()
    {
        var site = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json"));
        var passwords = new Dictionary<string, string> { ["AMS1-GATE-IN"] = "gate-pw", ["acme/AMS1-AGV-01"] = "agv-pw" };
        var (passwordFile, aclFile) = MosquittoSecurityFiles.Generate(new SiteCatalog(site), "bridge", "bridge-pw", passwords);

        await using var broker = await MosquittoProcess.StartAsync("allow_anonymous false");
        await broker.StopAsync();
        broker.WriteFile("passwords", passwordFile);
        broker.WriteFile("acl", aclFile);
        await File.AppendAllTextAsync(Path.Combine(broker.Directory, "mosquitto.conf"),
            $"password_file {Path.Combine(broker.Directory, "passwords")}\nacl_file {Path.Combine(broker.Directory, "acl")}\n");
        await broker.StartAgainAsync();

        await using var host = await DeviceHosts.StartAsync(broker.Port, new Dictionary<string, string>
        {
            ["Tracking:Mqtt:Username"] = "bridge",
            ["Tracking:Mqtt:Password"] = "bridge-pw",
        });
        await DeviceHosts.WaitConnectedAsync(host);

        await using (var wrong = await TestDevice.ConnectAsync(broker.Port, username: "AMS1-GATE-IN", password: "wrong"))
        {
            Assert.NotEqual(MqttClientConnectResultCode.Success, wrong.ConnectResult!.ResultCode);
        }

        await using (var anonymous = await TestDevice.ConnectAsync(broker.Port))
        {
            Assert.NotEqual(MqttClientConnectResultCode.Success, anonymous.ConnectResult!.ResultCode);
        }

        await using var gate = await TestDevice.ConnectAsync(broker.Port, username: "AMS1-GATE-IN", password: "gate-pw");
        var forbidden = TestDevice.NewEpc();
        var allowed = TestDevice.NewEpc();
        // Mosquitto drops a publish the ACL forbids; the allowed one after it proves the bridge was listening.
        await gate.PublishAsync("tracking/rfid/AMS1-GATE-OUT/events", TestDevice.ZebraRead(forbidden, 1, -50));
        await gate.PublishAsync("tracking/rfid/AMS1-GATE-IN/events", TestDevice.ZebraRead(allowed, 1, -50));
        Assert.True(await Eventually.HoldsAsync(async () => await host.Grains.GetGrain<IReturnedItemGrain>(allowed).GetAsync() is not null));
        Assert.Equal(0, (await host.Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-OUT").GetStatusAsync()).TotalReads);

        // The AGV reads its own orders, and the bridge (the only writer of orders) reaches it.
        await using var agv = await TestAgv.ConnectAsync(broker.Port, "acme", "AMS1-AGV-01", "agv-pw");
        await host.Services.GetRequiredService<MqttBridgeClient>().PublishAsync("uagv/v2/acme/AMS1-AGV-01/order", "{\"orderId\":\"x\"}"u8.ToArray(), MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce, false, default);
        await agv.WaitForOrderAsync();
    }
}
