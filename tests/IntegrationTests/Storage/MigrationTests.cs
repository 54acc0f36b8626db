using System.Diagnostics;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.Silo.Storage;

namespace Tracking.IntegrationTests.Storage;

public sealed class MigrationTests : IAsyncLifetime
{
    private readonly PostgresDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_applies_nothing()
    {
        var migrator = Migrator();

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(PostgresMigrator.EmbeddedMigrations().Select(m => m.Name), first);
        Assert.Contains("0001_orleans_clustering", first);
        Assert.Contains("0002_orleans_persistence", first);
        Assert.Contains("0003_orleans_reminders", first);
        Assert.Empty(second);
        Assert.Equal(first.Count, (int)(await _db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations")));
    }

    [Fact]
    public async Task Silos_starting_together_apply_the_schema_exactly_once()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Migrator().MigrateAsync()));

        Assert.Single(runs, r => r.Count > 0);
        Assert.Equal(PostgresMigrator.EmbeddedMigrations().Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task Every_query_the_Orleans_providers_read_is_installed()
    {
        await Migrator().MigrateAsync();
        var installed = await InstalledQueryKeysAsync();

        // Clustering and reminders check their keys against the properties of their internal DbStoredQueries type at
        // start-up: ask the real 10.4.2 assemblies which keys those are. Persistence names its keys in a query.
        var required = RequiredKeys(typeof(AdoNetClusteringTable).Assembly)
            .Concat(RequiredKeys(typeof(AdoNetReminderTableOptions).Assembly))
            .Concat(["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey"])
            .ToList();

        Assert.True(required.Count >= 19, $"expected the full contract, found only {string.Join(", ", required)}");
        Assert.Empty(required.Except(installed));

        // Optional keys the providers use when present: per-row defunct cleanup and DeleteStateOnClear.
        Assert.Contains("CleanupDefunctSiloEntryKey", installed);
        Assert.Contains("DeleteStorageKey", installed);
    }

    [Fact]
    public async Task The_migrate_command_applies_the_schema_and_then_reports_it_current()
    {
        var firstRun = await RunSiloAsync("migrate");
        var secondRun = await RunSiloAsync("migrate");

        Assert.Equal(0, firstRun.ExitCode);
        Assert.Contains("Applied: 0001_orleans_clustering, 0002_orleans_persistence, 0003_orleans_reminders, 0004_grain_state_indexed_lookup", firstRun.Output, StringComparison.Ordinal);
        Assert.Equal(0, secondRun.ExitCode);
        Assert.Contains("Schema is current.", secondRun.Output, StringComparison.Ordinal);
        Assert.NotEmpty(await InstalledQueryKeysAsync());
    }

    private PostgresMigrator Migrator() => new(_db.ConnectionString, NullLogger<PostgresMigrator>.Instance);

    private static IEnumerable<string> RequiredKeys(Assembly providerAssembly) =>
        providerAssembly.GetTypes()
            .Single(t => t.Name == "DbStoredQueries")
            .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name);

    private async Task<HashSet<string>> InstalledQueryKeysAsync()
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Runs the real silo executable (copied beside the tests) as a separate process.</summary>
    private async Task<(int ExitCode, string Output)> RunSiloAsync(string command)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "Tracking.Silo.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[]
        {
            silo, command,
            "--Tracking:Storage:Mode=PostgreSql",
            $"--Tracking:PostgreSql:ConnectionString={_db.ConnectionString}",
            "--Tracking:Auth:DevelopmentKey=migrate-test-key",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
