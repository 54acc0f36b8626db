namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Warm-up rounds until the JIT has caught up: a scenario's hot paths are measured as a long-running silo runs them,
/// compiled to optimised code, not while tiered compilation is still at work on them. One round is seldom enough when
/// a path is called rarely (at 64 reads per tag per gate, a run changes few items) or the machine is saturated.
/// </summary>
public static class WarmUp
{
    /// <summary>Fewer methods than this compiled in a round counts as caught up (a measured run after it compiles tens).</summary>
    public const long QuietMethods = 100;

    /// <summary>Runs rounds (numbered from 0) until one compiles fewer than <see cref="QuietMethods"/> methods or <paramref name="maxRounds"/> have run.</summary>
    public static async Task<WarmUpOutcome> UntilJitQuietAsync(int maxRounds, Func<int, Task> round)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRounds, 1);
        ArgumentNullException.ThrowIfNull(round);
        var spans = new List<JitSpan>();
        do
        {
            var jit = JitActivity.Start();
            await round(spans.Count);
            spans.Add(jit.Stop());
        }
        while (spans[^1].Methods >= QuietMethods && spans.Count < maxRounds);

        return new WarmUpOutcome(spans);
    }

    /// <summary>
    /// Waits, at most <paramref name="max"/>, until the JIT has had a quiet quarter of a second. Connecting or dropping
    /// SignalR clients runs code that tiered compilation recompiles in the background for a second or more after it
    /// (the 1,000 msgs/s level's 50 clients left 1,100–1,200 methods, 1.1–1.8 s of JIT, to the next level's measured
    /// seconds); a measured span should not start before that is done.
    /// </summary>
    public static async Task<JitSpan> UntilJitSettledAsync(TimeSpan max)
    {
        var whole = JitActivity.Start();
        var deadline = DateTime.UtcNow + max;
        var last = JitActivity.Start();
        do
        {
            await Task.Delay(SettleInterval);
            var span = last.Stop();
            if (span.Methods < SettledMethods)
            {
                break;
            }

            last = JitActivity.Start();
        }
        while (DateTime.UtcNow < deadline);

        return whole.Stop();
    }

    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Fewer methods than this in a <see cref="SettleInterval"/> counts as settled (timers and health checks compile a few at any time).</summary>
    private const long SettledMethods = 3;
}

/// <summary>What each warm-up round compiled.</summary>
public sealed record WarmUpOutcome(IReadOnlyList<JitSpan> Rounds)
{
    public bool Quiet => Rounds[^1].Methods < WarmUp.QuietMethods;

    /// <summary>E.g. "3 warm-up rounds (JIT 4,170, 641 and 60 methods)".</summary>
    public override string ToString() =>
        $"{Rounds.Count} warm-up round{(Rounds.Count == 1 ? "" : "s")} (JIT {string.Join(", ", Rounds.Select(r => r.Methods.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} methods" +
        (Quiet ? ")" : $"; still compiling when the rounds ran out)");
}
