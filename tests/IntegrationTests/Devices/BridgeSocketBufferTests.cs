using System.Globalization;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// MQTTnet gives every socket it opens fixed kernel buffers (8 KiB unless told, a 16 KiB TCP window), which cut the
/// broker's arrays of reads into pieces. The bridge's connection to a real Mosquitto gets the configured size instead.
/// </summary>
[Collection("devices")]
public sealed class BridgeSocketBufferTests
{
    [Fact]
    public async Task The_bridge_connects_to_the_broker_with_the_configured_socket_buffers()
    {
        // Under Linux's default net.core.rmem_max and wmem_max (212,992), so the kernel grants it whole; it reports twice
        // what was asked (socket(7)). No other client of this process asks for this size.
        const int Configured = 150_000;
        await using var host = await DeviceHosts.StartAsync(overrides: new Dictionary<string, string>
        {
            ["Tracking:Mqtt:SocketBufferBytes"] = Configured.ToString(CultureInfo.InvariantCulture),
        });
        await DeviceHosts.WaitConnectedAsync(host);

        var sockets = ConnectedSockets.To(TestEnvironment.MqttPort);

        Assert.Contains((2 * Configured, 2 * Configured), sockets);
    }
}
