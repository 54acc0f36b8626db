using System.Reflection.Emit;
using System.Runtime;
using Tracking.Bench.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>
/// The JIT's work over a measured span is what it compiled after the span began, not since the process began; warm-up
/// rounds go on until a round compiles little. The JIT's counts are the whole process's, so these run with no other test
/// beside them (a silo starting in a parallel test compiles thousands of methods).
/// </summary>
[Collection(nameof(QuickBenchCollection))]
public sealed class JitActivityTests
{
    [Fact]
    public void A_span_counts_the_methods_compiled_within_it()
    {
        var idle = JitActivity.Start().Stop().Methods;

        const int fresh = 50;
        var span = JitActivity.Start();
        for (var i = 0; i < fresh; i++)
        {
            Assert.Equal(i + 1, FreshMethod(i + 1)());
        }

        var busy = span.Stop();

        // Methods that did not exist before the span must each have been compiled in it, and the span must not count
        // what the test host compiled before it (thousands of methods). The host's own tiering may add a few either way.
        Assert.InRange(busy.Methods, fresh, fresh + 200);
        Assert.True(JitInfo.GetCompiledMethodCount() > 2_000, "the test host compiled too little for the range above to tell");
        Assert.True(idle < fresh, $"an empty span compiled {idle} methods, as many as the busy one's fresh ones");
        Assert.Matches(@"^JIT [0-9,]+ methods in [0-9]+ ms$", busy.ToString());
    }

    [Fact]
    public async Task Warm_up_rounds_go_on_while_each_compiles_many_methods_and_stop_at_the_first_quiet_one()
    {
        var rounds = new List<int>();
        var outcome = await WarmUp.UntilJitQuietAsync(10, round =>
        {
            rounds.Add(round);
            // Rounds 0 and 1 compile more than the quiet threshold; round 2 compiles a handful.
            Compile(round < 2 ? (int)WarmUp.QuietMethods + 20 : 2, round);
            return Task.CompletedTask;
        });

        Assert.Equal([0, 1, 2], rounds);
        Assert.True(outcome.Quiet);
        Assert.StartsWith("3 warm-up rounds (JIT ", outcome.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warm_up_stops_at_its_limit_and_says_the_JIT_was_still_busy()
    {
        var outcome = await WarmUp.UntilJitQuietAsync(2, round =>
        {
            Compile((int)WarmUp.QuietMethods + 20, 100 + round);
            return Task.CompletedTask;
        });

        Assert.Equal(2, outcome.Rounds.Count);
        Assert.False(outcome.Quiet);
        Assert.EndsWith("still compiling when the rounds ran out)", outcome.ToString(), StringComparison.Ordinal);
    }

    private static void Compile(int methods, int round)
    {
        for (var i = 0; i < methods; i++)
        {
            var value = (round * 10_000) + i;
            Assert.Equal(value, FreshMethod(value)());
        }
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
}
