namespace Tracking.DeviceBridge.Mqtt;

public enum MqttMode
{
    /// <summary>An in-process MQTTnet broker on loopback (the demo default).</summary>
    Embedded,

    /// <summary>An external broker such as Mosquitto (production).</summary>
    External,
}

/// <summary>The <c>Tracking:Mqtt</c> section: broker, bridge client and device access.</summary>
public sealed class MqttOptions
{
    public const string Section = "Tracking:Mqtt";

    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    /// <summary>The broker host. Embedded mode binds it, so it must be a loopback address there.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>Embedded mode only: also listen on [::1]. Off by default.</summary>
    public bool EnableIPv6 { get; set; }

    /// <summary>The bridge's own account. Embedded mode generates one per run when empty.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public bool UseTls { get; set; }

    /// <summary>Accept a broker certificate that does not validate (test brokers only).</summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>Stable per silo so the persistent session survives restarts. Default: tracking-{machine}-{silo port}.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// MQTT 5 shared subscription group: silos in one group split device traffic. Empty = a plain subscription (every
    /// silo gets everything). Caveat: Mosquitto 2.0 does not restore shared subscriptions from its persistence file,
    /// so QoS 1 messages published between a broker restart and the bridge's resubscribe are dropped in shared mode;
    /// a single silo that must lose nothing across broker restarts should use a plain subscription.
    /// </summary>
    public string? SharedSubscriptionGroup { get; set; } = "tracking";

    /// <summary>Larger device payloads are dead-lettered unread.</summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>RFID readers publish to <c>{RfidTopicPrefix}/{readerId}/events</c>.</summary>
    public string RfidTopicPrefix { get; set; } = "tracking/rfid";

    /// <summary>VDA 5050 interface prefix: <c>{AgvTopicPrefix}/{manufacturer}/{serialNumber}/{topic}</c>.</summary>
    public string AgvTopicPrefix { get; set; } = "uagv/v2";

    /// <summary>Messages buffered between the MQTT receive loop and the grain calls, per lane (back-pressure beyond).</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>
    /// Loops that take device messages from the receive loop, in parallel; one device always maps to the same lane, so its
    /// messages stay in order. One is enough for a hung device not to hold up the others (each device has its own queue
    /// in its lane), and on two cores one lane batched dense single reads better than four (docs/benchmarks.md).
    /// </summary>
    public int Lanes { get; set; } = 1;

    /// <summary>
    /// Device messages (QoS 1) the bridge has in hand at once: taken in and not yet in their grains. The bridge keeps this
    /// window itself and also sends it to the broker as the MQTT 5 Receive Maximum (Mosquitto 2.0.11 honours that only
    /// until acknowledgements flow; see <see cref="Ingest.AckSequence{T}"/>). Smaller means fresher reads in the items
    /// and less memory; larger means bigger batches for the gates and the storage (docs/decisions/0008).
    /// </summary>
    public int ReceiveMaximum { get; set; } = 5000;

    /// <summary>
    /// The kernel's receive and send buffer of the bridge's connection to the broker, in bytes (capped by the kernel's
    /// net.core.rmem_max and wmem_max). MQTTnet would set 8 KiB, which caps the broker's TCP window at 16 KiB, so an array
    /// of 100 reads (about 19 KB) arrives in pieces; the bridge opens the connection itself (decision 0017).
    /// </summary>
    public int SocketBufferBytes { get; set; } = DefaultSocketBufferBytes;

    /// <summary>1 MiB: about 4,000 single-read messages or 50 arrays of 100 reads in flight from the broker.</summary>
    public const int DefaultSocketBufferBytes = 1024 * 1024;

    /// <summary>How long the broker keeps the bridge's session (subscriptions, queued QoS 1 messages) while it is away.</summary>
    public uint SessionExpirySeconds { get; set; } = 3600;

    public double ReconnectMaxDelaySeconds { get; set; } = 15;

    /// <summary>
    /// A message whose grain call failed stays unacknowledged; the broker resends it only on a new connection. Once one
    /// has waited this long, the bridge reconnects (keeping its session) so that it comes back. 0 = wait for a
    /// reconnect that happens anyway.
    /// </summary>
    public double RedeliverAbandonedAfterSeconds { get; set; } = 30;

    public int DeadLetterCapacity { get; set; } = 1000;

    /// <summary>Embedded mode: let devices connect without credentials (loopback demo). Logged loudly when on.</summary>
    public bool AllowAnonymousDevices { get; set; } = true;

    /// <summary>Embedded mode: per-device accounts. Username = reader id or {manufacturer}/{serialNumber}.</summary>
    public List<DeviceCredential> DeviceCredentials { get; set; } = [];

    /// <summary>How often every gate is asked whether it has gone silent.</summary>
    public double WatchdogIntervalSeconds { get; set; } = 30;
}

/// <summary>A device account: the SHA-256 (hex) of its password, never the password itself.</summary>
public sealed class DeviceCredential
{
    public string Username { get; set; } = "";

    public string Sha256 { get; set; } = "";
}
