using Microsoft.Extensions.Options;
using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

public sealed class StartupValidationTests
{
    [Fact]
    public void PostgreSQL_mode_without_a_connection_string_stops_start_up_naming_the_setting_and_the_fix()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => TrackingApp.Build(["--Tracking:Storage:Mode=PostgreSql"]));

        var message = string.Join(" ", ex.Failures);
        Assert.Contains("Tracking:PostgreSql:ConnectionString", message, StringComparison.Ordinal);
        Assert.Contains("Tracking__PostgreSql__ConnectionString", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_silo_and_gateway_ports_are_refused()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => TrackingApp.Build(["--Tracking:Cluster:SiloPort=4000", "--Tracking:Cluster:GatewayPort=4000"]));

        Assert.Contains(ex.Failures, f => f.Contains("must differ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--Tracking:Streams:PollInterval=00:00:00", "Tracking:Streams:PollInterval")]
    [InlineData("--Tracking:Streams:Queues=0", "Tracking:Streams:Queues")]
    [InlineData("--Tracking:Streams:IdleWait=-00:00:00.001", "Tracking:Streams:IdleWait")]
    [InlineData("--Tracking:Streams:IdleWait=00:00:02", "Tracking:Streams:IdleWait")]
    [InlineData("--Tracking:Streams:CacheRetention=00:00:00.500", "Tracking:Streams:CacheRetention")]
    [InlineData("--Tracking:Streams:CacheRetention=02:00:00", "Tracking:Streams:CacheRetention")]
    public void Live_stream_settings_out_of_range_are_refused_by_name(string setting, string key)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => TrackingApp.Build([setting]));

        Assert.Contains(ex.Failures, f => f.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_site_seed_file_is_named()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => TrackingApp.Build(["--Tracking:Site:SeedFile=/nonexistent/site.json"]));

        Assert.Contains("/nonexistent/site.json", ex.Message, StringComparison.Ordinal);
    }
}
