using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Items;

/// <summary>
/// A host on PostgreSQL (the lifecycle host's settings) with a database of the test's own, for tests that change the
/// database underneath the silo (triggers that refuse rows) or read its tables, and must not disturb other tests.
/// </summary>
public abstract class LifecycleHostOnOwnDatabase : IAsyncLifetime
{
    private TrackingHost? _host;

    protected PostgresDatabase Database { get; } = new();

    protected TrackingHost Host => _host ?? throw new InvalidOperationException("The host starts in InitializeAsync.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        _host = await TrackingHost.StartAsync(LifecycleHostFixture.Settings(Database.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
