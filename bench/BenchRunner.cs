using System.Diagnostics;
using Tracking.Bench.Baseline;
using Tracking.Bench.Ceiling;
using Tracking.Bench.ColdStart;
using Tracking.Bench.Durability;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Latency;
using Tracking.Bench.Memory;
using Tracking.Bench.Planner;
using Tracking.Bench.Reporting;
using Tracking.Bench.Rfid;

namespace Tracking.Bench;

/// <summary>Runs the selected scenarios one after another (never in parallel: they would measure each other).</summary>
public static class BenchRunner
{
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new CeilingScenario(),
        new IngestScenario(),
        new LatencyScenario(),
        new DurableEventsScenario(),
        new MemoryScenario(),
        new BaselineScenario(),
        new ColdStartScenario(),
        new PlannerScenario(),
    ];

    public static Task<BenchReport> RunAsync(BenchSettings settings, TextWriter log) => RunAsync(settings, log, All);

    /// <summary>Runs the given scenarios (those the settings name, in order) and reports each.</summary>
    public static async Task<BenchReport> RunAsync(BenchSettings settings, TextWriter log, IReadOnlyList<IScenario> scenarios)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scenarios);
        var context = new BenchContext(settings, log);
        var report = new BenchReport();
        context.Report = report;
        foreach (var scenario in scenarios.Where(s => settings.Runs(s.Name)))
        {
            // The loop resumes inside the finished scenario's last step (its completion runs this continuation inline), so
            // that scenario's locals (a million generated reads, say) would stay on this thread's stack for the rest of the
            // run. Off its stack first.
            await Task.Yield();

            // Each scenario starts from a compacted heap without the silos of earlier ones: they run in this process, and
            // their leftovers (30,000 active items, say) would otherwise make every collection of the next measurement longer.
            var gone = await DisposedSilos.WaitCollectedAsync(TimeSpan.FromSeconds(15));
            var loadBefore = LoadAverage();
            context.Say($"{scenario.Name}: starting (GC heap {GC.GetTotalMemory(false) / 1048576.0:0} MiB live{(gone ? "" : "; an earlier silo is still referenced")})");
            var clock = Stopwatch.StartNew();
            ScenarioResult result;
            try
            {
                result = await scenario.RunAsync(context);
            }
            catch (Exception ex)
            {
                result = new ScenarioResult(scenario.Name, $"{scenario.Name} (did not complete)");
                result.Fail($"{ex.GetType().Name}: {ex.Message}");
                context.Say(ex.ToString());
            }

            // The machine is shared: say how busy it was, so a reader can weigh the figures.
            result.Note($"Load average (1 min) before/after: {loadBefore} / {LoadAverage()} on {Environment.ProcessorCount} cores; scenario took {clock.Elapsed.TotalSeconds:0} s.");
            report.Add(result);
            context.Say($"{scenario.Name}: done in {clock.Elapsed.TotalSeconds:0.0} s");
            await log.WriteLineAsync(result.ToMarkdown());
        }

        return report;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
