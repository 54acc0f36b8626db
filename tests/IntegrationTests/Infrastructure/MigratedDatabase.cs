using Microsoft.Extensions.Logging.Abstractions;
using Tracking.Silo.Storage;

namespace Tracking.IntegrationTests.Infrastructure;

/// <summary>A fresh test database with the project's schema applied by the real <see cref="PostgresMigrator"/>.</summary>
public sealed class MigratedDatabase : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public string ConnectionString => Database.ConnectionString;

    public PostgresMigrator CreateMigrator() => new(ConnectionString, NullLogger<PostgresMigrator>.Instance);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await CreateMigrator().MigrateAsync();
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}
