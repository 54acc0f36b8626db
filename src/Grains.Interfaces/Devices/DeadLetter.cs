namespace Tracking.Grains.Interfaces.Devices;

/// <summary>A device message the bridge could not use, kept (bounded) for people to inspect.</summary>
public sealed record DeadLetter(
    DateTimeOffset At,
    string Topic,
    string Reason,
    string Detail,
    string Payload,
    int PayloadBytes);

/// <summary>Why a device message was dead-lettered. Each is a metric tag value.</summary>
public static class DeadLetterReasons
{
    public const string PayloadTooLarge = "payload-too-large";
    public const string MalformedJson = "malformed-json";
    public const string MissingField = "missing-field";
    public const string InvalidValue = "invalid-value";
    public const string UnknownReader = "unknown-reader";
    public const string UnknownAgv = "unknown-agv";
    public const string UnknownAntenna = "unknown-antenna";
    public const string UnknownTopic = "unknown-topic";
    public const string TopicMismatch = "topic-mismatch";
    public const string UnsupportedFormat = "unsupported-format";
}

/// <summary>What this silo's bridge dead-lettered: totals per reason since start and the most recent entries.</summary>
public sealed record DeadLetterReport(
    long Total,
    IReadOnlyDictionary<string, long> ByReason,
    IReadOnlyList<DeadLetter> Recent);

/// <summary>The bridge's bounded dead-letter log (one per silo). Read by the API.</summary>
public interface IDeadLetterLog
{
    void Add(DeadLetter letter);

    DeadLetterReport Snapshot(string? reason = null, int limit = 100);
}
