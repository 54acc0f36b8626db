using System.Globalization;
using System.Runtime;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// What the JIT compiled in this process over a measured span. A run that still compiles is not yet the long-running
/// silo the figures stand for: tiered compilation recompiles hot methods (instrumented, then optimised) for seconds
/// after they are first called.
/// </summary>
public sealed class JitActivity
{
    private readonly TimeSpan _time = JitInfo.GetCompilationTime();
    private readonly long _methods = JitInfo.GetCompiledMethodCount();

    public static JitActivity Start() => new();

    /// <summary>E.g. "JIT 412 methods in 96 ms".</summary>
    public string Stop() => string.Create(CultureInfo.InvariantCulture,
        $"JIT {JitInfo.GetCompiledMethodCount() - _methods:N0} methods in {(JitInfo.GetCompilationTime() - _time).TotalMilliseconds:0} ms");
}
