using System.Collections.Concurrent;

namespace Tracking.DeviceBridge.Agv;

/// <summary>
/// VDA 5050 header ids, per topic, counting up by one with each message. A topic's first id is the time in tenths of a
/// second since 2026-01-01 rather than 0: after a restart, or from another silo that took over the AGV's grain, the
/// count goes on upwards instead of starting again below ids the AGV has already seen (unless more than ten orders a
/// second went to one AGV, far beyond what a transport order needs). Stays within 32 bits until about 2039.
/// </summary>
public sealed class VdaHeaderIds(TimeProvider time)
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ConcurrentDictionary<string, long> _last = new(StringComparer.Ordinal);

    public long Next(string topic) => _last.AddOrUpdate(topic, _ => Start(), (_, last) => last + 1);

    private long Start() => Math.Max(0, (long)((time.GetUtcNow() - Epoch).TotalSeconds * 10));
}
