using System.Globalization;
using System.Text;

namespace Tracking.Bench.Reporting;

/// <summary>Everything one run measured, in order, printable as the Markdown that goes into docs/benchmarks.md.</summary>
public sealed class BenchReport
{
    private readonly List<ScenarioResult> _results = [];

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<ScenarioResult> Results => _results;

    public IEnumerable<string> Failures => _results.SelectMany(r => r.Failures.Select(f => $"{r.Name}: {f}"));

    public void Add(ScenarioResult result) => _results.Add(result);

    public ScenarioResult? Find(string name) => _results.FirstOrDefault(r => r.Name == name);

    public string ToMarkdown(BenchSettings settings, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Run at {StartedAt:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, " +
            $"{MachineMemoryGiB():0.#} GiB memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC (concurrent {System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.Batch}, {Gen0Budget()}).");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{commandLine}`{(settings.Quick ? " (quick mode: sizes are smoke-test sizes, figures are not meaningful)" : "")}");
        sb.AppendLine();
        foreach (var result in _results)
        {
            sb.AppendLine(result.ToMarkdown());
        }

        return sb.ToString();
    }

    /// <summary>The gen0 budget cap in effect (runtimeconfig, or DOTNET_GCGen0MaxBudget over it): it decides the pauses.</summary>
    private static string Gen0Budget() =>
        GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var cap) && Convert.ToInt64(cap, CultureInfo.InvariantCulture) is > 0 and var bytes
            ? $"gen0 budget at most {bytes / 1048576.0:0.#} MiB"
            : "gen0 budget the runtime's default";

    private static double MachineMemoryGiB()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return kb / 1024 / 1024;
        }
        catch (IOException)
        {
            return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024;
        }
    }
}
