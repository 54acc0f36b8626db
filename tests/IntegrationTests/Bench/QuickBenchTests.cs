using Tracking.Bench;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>Runs alone: it loads the machine on purpose, and its silos listen to the shared test broker.</summary>
[CollectionDefinition(nameof(QuickBenchCollection), DisableParallelization = true)]
public sealed class QuickBenchCollection;

/// <summary>
/// The benchmark's quick mode as a smoke test: every scenario runs end to end against the real PostgreSQL and
/// Mosquitto at tiny sizes. It checks correctness only (nothing lost, every acknowledged event stored, planner within
/// capacity and never worse than the naive rule), never timings.
/// </summary>
[Collection(nameof(QuickBenchCollection))]
public sealed class QuickBenchTests
{
    [Fact]
    public async Task Every_benchmark_scenario_runs_in_quick_mode_and_loses_nothing()
    {
        var settings = new BenchSettings
        {
            PostgresAdmin = TestEnvironment.PostgresAdminConnectionString,
            MqttPort = TestEnvironment.MqttPort,
        }.AsQuick();
        var log = new StringWriter();

        var report = await BenchRunner.RunAsync(settings, log);

        var artifacts = Path.Combine(TestEnvironment.ArtifactsDirectory, "quick-bench.md");
        await File.WriteAllTextAsync(artifacts, report.ToMarkdown(settings, "bench --quick (integration test)") + "\n\nLog:\n" + log);
        Assert.Empty(report.Failures);
        Assert.Equal(BenchRunner.All.Select(s => s.Name), report.Results.Select(r => r.Name));
        Assert.All(report.Results, r => Assert.NotEmpty(r.Rows));
    }
}
