using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;

namespace Tracking.Bench.ColdStart;

/// <summary>
/// (7) Cold start: the real Silo executable started as a child process in production shape (PostgreSQL storage and
/// clustering, Mosquitto, simulator off) until <c>/health/ready</c> answers 200. The first start also migrates a
/// fresh database.
/// </summary>
public sealed class ColdStartScenario : IScenario
{
    public string Name => "coldstart";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "7. Cold start: process start → /health/ready", "start", "ms to ready", "target");
        var silo = SiloExecutable.Find(s.SiloAssembly);
        await using var db = await BenchDatabase.CreateAsync(s.PostgresAdmin, "coldstart");
        var times = new List<double>();
        for (var run = 1; run <= Math.Max(1, s.ColdStartRuns); run++)
        {
            double? ready;
            string tail;
            using (var process = SiloProcess.Start(silo, s, db.ConnectionString, ["--Tracking:Cluster:Mode=AdoNet", $"--Tracking:Cluster:ClusterId=cold{run}"]))
            {
                ready = await process.WaitReadyAsync(TimeSpan.FromSeconds(60));
                tail = process.Tail(5);
            }

            var label = run == 1 ? "first start (migrates a fresh database)" : $"start {run} (schema current)";
            result.Row(label, ready, ready is { } ms ? $"≤ 5 s: {ScenarioResult.Verdict(ms <= 5000)}" : "");
            if (ready is null)
            {
                result.Fail($"{label}: never ready within 60 s. Last output: {tail}");
            }
            else
            {
                times.Add(ready.Value);
            }
        }

        result.Note($"`{silo.Describe}` with PostgreSQL storage and ADO.NET clustering, external Mosquitto, simulator off. " +
            "Time from Process.Start to the first 200 from /health/ready (storage, cluster and broker checks), polled every 10 ms.");
        result.Figures["ready_ms"] = times.Count > 0 ? times.Min() : double.NaN;
        return result;
    }
}
