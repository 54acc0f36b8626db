using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>One real host shared by a test class (starting a silo per test would dominate the run time).</summary>
public sealed class LiveHostFixture : IAsyncLifetime
{
    /// <summary>Names this fixture's host on the shared broker (each test class gets its own fixture and host).</summary>
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    public TrackingHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TrackingHost.StartAsync(new Dictionary<string, string>
    {
        // A short refresh lets the healing test see a re-read of the grains within its deadline.
        ["Tracking:Live:RefreshInterval"] = "00:00:02",

        // Hosts of other test classes share the test Mosquitto. Own topic prefixes (VDA 5050: an own interface name,
        // same interfaceName/majorVersion/manufacturer/serialNumber/topic shape) keep this host's devices and theirs
        // apart, and an own shared-subscription group and session keep other hosts' bridges out of this one's share.
        ["Tracking:Mqtt:RfidTopicPrefix"] = $"rfid-{_run}",
        ["Tracking:Mqtt:AgvTopicPrefix"] = $"uagv-{_run}/v2",
        ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"live{_run}",
        ["Tracking:Mqtt:ClientId"] = $"live-bridge-{_run}",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
