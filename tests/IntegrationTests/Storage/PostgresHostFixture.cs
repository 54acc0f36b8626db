using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Storage;

/// <summary>One real Tracking host with PostgreSQL grain storage and reminders on a fresh database (schema applied at start-up).</summary>
public class PostgresHostFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public TrackingHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var settings = new Dictionary<string, string>
        {
            ["Tracking:Storage:Mode"] = "PostgreSql",
            ["Tracking:PostgreSql:ConnectionString"] = Database.ConnectionString,
        };
        Configure(settings);
        Host = await TrackingHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Settings on top of PostgreSQL mode (the default grain-state provider is the batched one).</summary>
    protected virtual void Configure(IDictionary<string, string> settings)
    {
    }
}

/// <summary>The same host with grain state on the Orleans ADO.NET provider.</summary>
public sealed class AdoNetHostFixture : PostgresHostFixture
{
    protected override void Configure(IDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings["Tracking:Storage:GrainState"] = "AdoNet";
    }
}
