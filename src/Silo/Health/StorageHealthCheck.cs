using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Tracking.Silo.Hosting;

namespace Tracking.Silo.Health;

/// <summary>Ready only when durable storage answers (PostgreSQL mode); memory storage is always there.</summary>
public sealed class StorageHealthCheck(TrackingOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Storage.Mode == StorageMode.Memory && options.Cluster.Mode == ClusterMode.Localhost)
        {
            return HealthCheckResult.Healthy("in-memory storage (demo)");
        }

        try
        {
            await using var connection = new NpgsqlConnection(options.PostgreSql.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand("SELECT 1", connection);
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", ex);
        }
    }
}
