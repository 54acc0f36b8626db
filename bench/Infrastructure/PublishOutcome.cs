namespace Tracking.Bench.Infrastructure;

/// <summary>What a publishing run did: messages the broker acknowledged (QoS 1 PUBACK) and how long it took.</summary>
public sealed record PublishOutcome(long Messages, long Acked, long Failed, long ReadsAcked, TimeSpan Elapsed)
{
    public double MessagesPerSecond => Elapsed.TotalSeconds > 0 ? Acked / Elapsed.TotalSeconds : 0;

    public double ReadsPerSecond => Elapsed.TotalSeconds > 0 ? ReadsAcked / Elapsed.TotalSeconds : 0;
}
