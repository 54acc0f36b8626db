using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

internal static class DeviceHosts
{
    /// <summary>
    /// A host bridged to the given broker with its own shared-subscription group, so hosts of other test classes on
    /// the same broker do not take a share of this test's device traffic.
    /// </summary>
    public static Task<TrackingHost> StartAsync(int? mqttPort = null, IDictionary<string, string>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Tracking:Mqtt:Port"] = (mqttPort ?? TestEnvironment.MqttPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"test{Guid.NewGuid():N}",
            ["Tracking:Mqtt:ClientId"] = $"bridge-{Guid.NewGuid():N}",
            ["Tracking:Transport:OrderResendSeconds"] = "0.5",
            ["Tracking:Transport:DispatchIntervalSeconds"] = "0.5",
            ["Tracking:Transport:MaxUnacknowledgedSends"] = "20",
            ["Tracking:Lifecycle:LocationFlushInterval"] = "00:00:00.050",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return TrackingHost.StartAsync(settings, configureServices);
    }

    public static async Task WaitConnectedAsync(TrackingHost host)
    {
        var client = host.Services.GetRequiredService<DeviceBridge.Mqtt.MqttBridgeClient>();
        Assert.True(await Storage.Eventually.HoldsAsync(() => Task.FromResult(client.IsConnected), TimeSpan.FromSeconds(20)), "bridge did not connect");
    }
}
