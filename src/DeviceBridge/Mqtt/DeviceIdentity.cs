namespace Tracking.DeviceBridge.Mqtt;

public enum DeviceIdentityKind
{
    /// <summary>The bridge itself: reads device topics, writes orders.</summary>
    Bridge,

    Reader,

    Agv,

    /// <summary>A device without credentials (only when the loopback demo allows it).</summary>
    Anonymous,
}

/// <summary>Who a broker connection authenticated as. For a reader the id is its reader id, for an AGV {manufacturer}/{serialNumber}.</summary>
public sealed record DeviceIdentity(DeviceIdentityKind Kind, string Id)
{
    public static readonly DeviceIdentity Bridge = new(DeviceIdentityKind.Bridge, "bridge");

    public static readonly DeviceIdentity Anonymous = new(DeviceIdentityKind.Anonymous, "anonymous");
}
