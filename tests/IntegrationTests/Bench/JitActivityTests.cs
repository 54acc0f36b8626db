using System.Reflection.Emit;
using System.Runtime;
using System.Text.RegularExpressions;
using Tracking.Bench.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>The JIT's work over a measured span is what it compiled after the span began, not since the process began.</summary>
public sealed partial class JitActivityTests
{
    [Fact]
    public void A_span_counts_the_methods_compiled_within_it()
    {
        var idle = Methods(JitActivity.Start().Stop());

        var span = JitActivity.Start();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i + 1, FreshMethod(i + 1)());
        }

        var busy = Methods(span.Stop());

        // Three methods that did not exist before the span must each have been compiled in it, and the span must not
        // count what the test host compiled before it (thousands of methods).
        Assert.InRange(busy, 3, 200);
        Assert.True(JitInfo.GetCompiledMethodCount() > 1_000, "the test host compiled too little for the range above to tell");
        Assert.True(idle < busy, $"an empty span compiled {idle}, the busy one {busy}");
    }

    private static long Methods(string report)
    {
        var match = MethodsPattern().Match(report);
        Assert.True(match.Success, report);
        return long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
    }

    // A method the runtime has never seen, so calling it makes the JIT compile it now.
    private static Func<int> FreshMethod(int value)
    {
        var method = new DynamicMethod($"fresh{value}", typeof(int), Type.EmptyTypes);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldc_I4, value);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<int>>();
    }

    [GeneratedRegex(@"^JIT ([0-9,]+) methods in [0-9]+ ms$")]
    private static partial Regex MethodsPattern();
}
