using Npgsql;
using Tracking.Bench.Infrastructure;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>The durable scenario's CPU per event: /proc/&lt;pid&gt;/stat read right, and PostgreSQL's work counted.</summary>
public sealed class CpuMeterTests
{
    // Fields 14–17 (utime, stime, cutime, cstime) are 7, 3, 500 and 200; the name holds a space and a ')'.
    private const string StatLine = "4242 (postgres: a) b) S 17 4242 4242 0 -1 4194560 900 0 0 0 7 3 500 200 20 0 1 0 774844 3133440 410 18446744073709551615";

    [Fact]
    public void A_stat_line_gives_its_parent_and_its_own_ticks_counted_after_the_last_parenthesis()
    {
        Assert.Equal((17, 10L), CpuMeter.ParseStat(StatLine, withChildren: false));
    }

    [Fact]
    public void With_children_the_reaped_childrens_ticks_are_added()
    {
        Assert.Equal((17, 710L), CpuMeter.ParseStat(StatLine, withChildren: true));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 postgres S 1 2 3")]
    [InlineData("4242 (postgres) S 17 4242")]
    [InlineData("4242 (postgres) S x 4242 4242 0 -1 4194560 900 0 0 0 7 3 500 200 20 0")]
    public void A_line_without_the_fields_is_not_read(string line)
    {
        Assert.Null(CpuMeter.ParseStat(line, withChildren: true));
    }

    [Fact]
    public async Task Work_done_by_the_test_PostgreSQL_server_is_counted_as_its_cpu_time()
    {
        var meter = await CpuMeter.StartAsync(TestEnvironment.PostgresAdminConnectionString);
        await using (var connection = new NpgsqlConnection(TestEnvironment.PostgresAdminConnectionString))
        {
            await connection.OpenAsync();
            // A few tenths of a second of one backend's CPU; /proc counts in 10 ms ticks.
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM generate_series(1, 10000000)", connection);
            await cmd.ExecuteScalarAsync();
        }

        var (process, postgres) = meter.Stop();

        Assert.NotNull(postgres);
        Assert.True(postgres > TimeSpan.FromMilliseconds(50), $"PostgreSQL CPU counted: {postgres}");
        Assert.True(process > TimeSpan.Zero);
    }
}
