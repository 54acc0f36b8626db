using System.Diagnostics;
using System.Globalization;
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
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var times = new List<double>();
        for (var run = 1; run <= Math.Max(1, s.ColdStartRuns); run++)
        {
            var port = FreePort.Next();
            var start = silo.StartInfo(
            [
                $"--urls=http://127.0.0.1:{port}",
                "--Tracking:Storage:Mode=PostgreSql",
                "--Tracking:Cluster:Mode=AdoNet",
                $"--Tracking:Cluster:SiloPort={FreePort.Next()}",
                $"--Tracking:Cluster:GatewayPort={FreePort.Next()}",
                $"--Tracking:Cluster:ClusterId=cold{run}",
                $"--Tracking:PostgreSql:ConnectionString={db.ConnectionString}",
                "--Tracking:Mqtt:Mode=External",
                $"--Tracking:Mqtt:Host={s.MqttHost}",
                $"--Tracking:Mqtt:Port={s.MqttPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Tracking:Mqtt:ClientId=bench-cold-{Guid.NewGuid():N}",
                "--Tracking:Simulator:Enabled=false",
                "--Tracking:Auth:DevelopmentKey=bench-admin-key",
                "--Logging:LogLevel:Default=Warning",
            ]);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {silo.Path}.");
            var output = new System.Text.StringBuilder();
            process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            double? ready = null;
            try
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
                {
                    try
                    {
                        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                        if (response.IsSuccessStatusCode)
                        {
                            ready = clock.Elapsed.TotalMilliseconds;
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                    catch (TaskCanceledException)
                    {
                        // Listening but not answering yet.
                    }

                    await Task.Delay(10);
                }
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }

            var label = run == 1 ? "first start (migrates a fresh database)" : $"start {run} (schema current)";
            result.Row(label, ready, ready is { } ms ? $"≤ 5 s: {ScenarioResult.Verdict(ms <= 5000)}" : "");
            if (ready is null)
            {
                string tail;
                lock (output)
                {
                    tail = string.Join(" | ", output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));
                }

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
