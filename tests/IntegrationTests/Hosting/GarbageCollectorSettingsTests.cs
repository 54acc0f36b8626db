using System.Text.Json;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>
/// The Silo executable's collector settings, as its build writes them into the runtimeconfig.json beside it: the live
/// maps' p99 depends on them (docs/decisions/0011 and 0019).
/// </summary>
public sealed class GarbageCollectorSettingsTests
{
    private static JsonElement SiloRuntimeConfig()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Tracking.Silo.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_silo_runs_workstation_concurrent_GC()
    {
        var config = SiloRuntimeConfig();

        Assert.False(config.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(config.GetProperty("System.GC.Concurrent").GetBoolean());
    }

    [Fact]
    public void The_silo_caps_its_gen0_budget_at_6_MiB_whatever_cache_the_host_reports()
    {
        var config = SiloRuntimeConfig();

        Assert.Equal(6L * 1024 * 1024, config.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
    }
}
