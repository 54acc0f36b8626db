using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.DeadLetters;

/// <summary>
/// This silo's dead letters: a ring of the most recent ones (bounded: a flood of garbage cannot exhaust memory),
/// totals per reason, and the metric <c>tracking.devices.dead_letters{reason}</c>.
/// </summary>
public sealed partial class DeadLetterLog(IOptions<MqttOptions> options, ILogger<DeadLetterLog> logger) : IDeadLetterLog
{
    private const int MaxPayloadChars = 1024;

    private static readonly Counter<long> Counter = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.dead_letters", description: "Device messages refused, by reason");

    private readonly Lock _lock = new();
    private readonly Queue<DeadLetter> _recent = new();
    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private long _total;
    private DateTimeOffset _lastLogged;

    public void Add(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var kept = letter.Payload.Length > MaxPayloadChars ? letter with { Payload = letter.Payload[..MaxPayloadChars] + "…" } : letter;
        _byReason.AddOrUpdate(letter.Reason, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
        Counter.Add(1, new KeyValuePair<string, object?>("reason", letter.Reason));
        lock (_lock)
        {
            _recent.Enqueue(kept);
            while (_recent.Count > Math.Max(1, options.Value.DeadLetterCapacity))
            {
                _recent.Dequeue();
            }

            // One line per second at most: a flood must not turn into a log flood.
            var now = DateTimeOffset.UtcNow;
            if (now - _lastLogged < TimeSpan.FromSeconds(1))
            {
                return;
            }

            _lastLogged = now;
        }

        LogDeadLetter(logger, letter.Topic, letter.Reason, letter.Detail);
    }

    public DeadLetterReport Snapshot(string? reason = null, int limit = 100)
    {
        DeadLetter[] recent;
        lock (_lock)
        {
            recent = _recent.ToArray();
        }

        var selected = recent.Reverse()
            .Where(d => reason is null || d.Reason == reason)
            .Take(Math.Clamp(limit, 0, recent.Length))
            .ToArray();
        return new DeadLetterReport(Interlocked.Read(ref _total), new SortedDictionary<string, long>(_byReason, StringComparer.Ordinal), selected);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered a message on {Topic}: {Reason} ({Detail}) (further ones this second are counted, not logged)")]
    private static partial void LogDeadLetter(ILogger logger, string topic, string reason, string detail);
}
