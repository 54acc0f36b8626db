using System.Globalization;
using System.Runtime;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// What the JIT compiled in this process over a measured span. A run that still compiles is not yet the long-running
/// silo the figures stand for: tiered compilation recompiles hot methods (instrumented, then optimised) for seconds
/// after they are first called, and on a busy machine its background thread falls behind.
/// </summary>
public sealed class JitActivity
{
    private readonly TimeSpan _time = JitInfo.GetCompilationTime();
    private readonly long _methods = JitInfo.GetCompiledMethodCount();

    public static JitActivity Start() => new();

    public JitSpan Stop() => new(JitInfo.GetCompiledMethodCount() - _methods, JitInfo.GetCompilationTime() - _time);
}

/// <summary>Methods compiled over a span and the time the JIT spent on them.</summary>
public sealed record JitSpan(long Methods, TimeSpan Time)
{
    /// <summary>E.g. "JIT 412 methods in 96 ms".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"JIT {Methods:N0} methods in {Time.TotalMilliseconds:0} ms");
}
