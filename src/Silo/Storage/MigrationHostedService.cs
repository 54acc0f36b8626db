namespace Tracking.Silo.Storage;

/// <summary>
/// Runs the migrations before Orleans starts (hosted services start in registration order, and this one is
/// registered before UseOrleans adds the silo), so the providers find their queries.
/// </summary>
public sealed class MigrationHostedService(PostgresMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
