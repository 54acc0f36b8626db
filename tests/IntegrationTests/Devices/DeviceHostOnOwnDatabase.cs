using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// A device host (shared test broker) on a PostgreSQL database of the test's own, for tests that change the database
/// underneath the silo (triggers that slow or refuse rows) and must not disturb other tests.
/// </summary>
public abstract class DeviceHostOnOwnDatabase : IAsyncLifetime
{
    private TrackingHost? _host;

    protected PostgresDatabase Database { get; } = new();

    protected TrackingHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var settings = LifecycleHostFixture.Settings(Database.ConnectionString);
        Configure(settings);
        _host = await DeviceHosts.StartAsync(overrides: settings);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    /// <summary>Settings of this test on top of the lifecycle host's.</summary>
    protected abstract void Configure(Dictionary<string, string> settings);
}
