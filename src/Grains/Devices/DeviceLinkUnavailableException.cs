namespace Tracking.Grains.Devices;

/// <summary>
/// The link to the devices (the MQTT broker) is down, so nothing was sent. Expected while the broker restarts or before
/// the bridge's first connection; a sender throws it so callers can wait and retry without treating it as a fault or
/// counting it as a send.
/// </summary>
public sealed class DeviceLinkUnavailableException : Exception
{
    public DeviceLinkUnavailableException()
    {
    }

    public DeviceLinkUnavailableException(string message)
        : base(message)
    {
    }

    public DeviceLinkUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
