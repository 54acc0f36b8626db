using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Storage;

/// <summary>One real Tracking host with PostgreSQL grain storage and reminders on a fresh database (schema applied at start-up).</summary>
public sealed class PostgresHostFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public TrackingHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Storage:Mode"] = "PostgreSql",
            ["Tracking:PostgreSql:ConnectionString"] = Database.ConnectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}
