using Npgsql;
using Tracking.Bench.Infrastructure;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>
/// PostgreSQL's CPU time as the benchmark counts it: the postmaster and all its backends. Runs alone (with the quick
/// benchmark): the other tests' backends start and exit meanwhile on the same server, and once, in a run with them,
/// the count came out a tick short of nothing.
/// </summary>
[Collection(nameof(QuickBenchCollection))]
public sealed class PostgresCpuTests
{
    [Fact]
    public async Task Work_done_by_the_test_PostgreSQL_server_is_counted_as_its_cpu_time()
    {
        var meter = await CpuMeter.StartAsync(TestEnvironment.PostgresAdminConnectionString);
        int backend;
        await using (var connection = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString))
        {
            await connection.OpenAsync();
            await using var pid = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            backend = (int)(await pid.ExecuteScalarAsync())!;
            // A few tenths of a second of one backend's CPU; /proc counts in 10 ms ticks.
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM generate_series(1, 10000000)", connection);
            await cmd.ExecuteScalarAsync();
        }

        var times = meter.Stop();

        Assert.NotNull(times.Postgres);
        Assert.True(times.Postgres > TimeSpan.FromMilliseconds(50),
            $"PostgreSQL CPU counted: {times.Postgres}; the query's backend {backend}: {ReadStat(backend)}");
        Assert.True(times.Process > TimeSpan.Zero);
        Assert.NotNull(times.Machine);
        Assert.True(times.Machine >= times.Postgres - TimeSpan.FromMilliseconds(20), $"the machine's busy time {times.Machine} holds PostgreSQL's {times.Postgres}");
    }

    private static string ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }
}
