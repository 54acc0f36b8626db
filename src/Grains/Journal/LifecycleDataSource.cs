using Npgsql;

namespace Tracking.Grains.Journal;

/// <summary>The lifecycle's own PostgreSQL connection pool (journal, outbox, location contents), kept apart from other features' registrations.</summary>
public sealed class LifecycleDataSource(string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
