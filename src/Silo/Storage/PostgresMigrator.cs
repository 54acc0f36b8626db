using System.Reflection;
using Npgsql;

namespace Tracking.Silo.Storage;

/// <summary>
/// Applies the embedded <c>Storage/Migrations/NNNN_name.sql</c> files in order, each once, each in its own
/// transaction, recorded in <c>schema_migrations</c>. An advisory lock keeps silos that start together from racing.
/// Safe to run at every start-up and on its own (<c>dotnet run --project src/Silo -- migrate</c>).
/// </summary>
public sealed partial class PostgresMigrator(string connectionString, ILogger<PostgresMigrator> logger)
{
    // Arbitrary, fixed: the lock id every Tracking silo takes while migrating.
    private const long MigrationLockId = 0x7472_6163_6b69_6e67;

    public static IReadOnlyList<(string Name, string Sql)> EmbeddedMigrations()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        const string marker = ".Storage.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n[(n.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^4], Resource: n))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => (m.Name, ReadResource(assembly, m.Resource)))
            .ToList();
    }

    /// <summary>Returns the names of the migrations applied by this call (empty when the schema was current).</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({MigrationLockId})", cancellationToken);
        try
        {
            await ExecuteAsync(
                connection,
                null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken);
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var cmd = new NpgsqlCommand("SELECT name FROM schema_migrations", connection))
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            var done = new List<string>();
            foreach (var (name, sql) in EmbeddedMigrations().Where(m => !applied.Contains(m.Name)))
            {
                await using var tx = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, tx, sql, cancellationToken);
                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (name) VALUES (@name)", connection, tx))
                {
                    record.Parameters.AddWithValue("name", name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await tx.CommitAsync(cancellationToken);
                LogApplied(name);
                done.Add(name);
            }

            return done;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({MigrationLockId})", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied schema migration {Migration}")]
    private partial void LogApplied(string migration);
}
