using System.Diagnostics;

namespace Tracking.Bench.Infrastructure;

/// <summary>Waiting for asynchronous work to land, with a deadline and a stall detector instead of fixed sleeps.</summary>
public static class Drain
{
    /// <summary>
    /// Polls <paramref name="current"/> until it reaches <paramref name="expected"/>, stops moving for
    /// <paramref name="stall"/>, or <paramref name="deadline"/> passes. Returns the last value and when it last changed
    /// (measured on <paramref name="clock"/>), which is when the work really finished.
    /// </summary>
    public static async Task<(long Value, TimeSpan LastChange)> UntilAsync(Func<long> current, long expected, Stopwatch clock, TimeSpan stall, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(clock);
        var until = clock.Elapsed + deadline;
        var value = current();
        var lastChange = clock.Elapsed;
        while (value < expected && clock.Elapsed < until && clock.Elapsed - lastChange < stall)
        {
            await Task.Delay(20);
            var next = current();
            if (next != value)
            {
                value = next;
                lastChange = clock.Elapsed;
            }
        }

        return (value, lastChange);
    }
}
