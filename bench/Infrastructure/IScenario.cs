using Tracking.Bench.Reporting;

namespace Tracking.Bench.Infrastructure;

/// <summary>One bounded benchmark scenario against the real stack.</summary>
public interface IScenario
{
    /// <summary>The name used with --scenarios.</summary>
    string Name { get; }

    Task<ScenarioResult> RunAsync(BenchContext context);
}
