namespace Tracking.Bench.Infrastructure;

/// <summary>One MQTT message a simulated device will publish; <see cref="Reads"/> raw reads in it, <see cref="Key"/> for latency matching.</summary>
public sealed record OutgoingMessage(string Device, string Topic, byte[] Payload, int Reads, string? Key = null);
