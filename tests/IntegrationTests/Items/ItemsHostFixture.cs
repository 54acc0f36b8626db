using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Items;

/// <summary>One real host (memory storage) shared by the item API tests of a class.</summary>
public sealed class ItemsHostFixture : IAsyncLifetime
{
    public TrackingHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TrackingHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
