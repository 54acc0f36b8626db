using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>One real host shared by a test class (starting a silo per test would dominate the run time).</summary>
public sealed class LiveHostFixture : IAsyncLifetime
{
    public TrackingHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TrackingHost.StartAsync(new Dictionary<string, string>
    {
        // A short refresh lets the healing test see a re-read of the grains within its deadline.
        ["Tracking:Live:RefreshInterval"] = "00:00:02",

        // Hosts of other test classes share the test Mosquitto: an own shared-subscription group (and session) keeps
        // them from taking a share of the device messages this class publishes.
        ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"live{Guid.NewGuid():N}",
        ["Tracking:Mqtt:ClientId"] = $"live-bridge-{Guid.NewGuid():N}",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
