using Tracking.Grains.Interfaces.Devices;

namespace Tracking.Grains.Devices;

/// <summary>
/// Sends an order to an AGV. The device bridge implements it (VDA 5050 over MQTT, QoS 1) in every silo, so the AGV
/// grain publishes from wherever it is activated. Throws <see cref="DeviceLinkUnavailableException"/> when the broker is
/// not connected (nothing was sent) and other exceptions when a send failed; the grain re-sends either way.
/// </summary>
public interface IAgvOrderSender
{
    Task SendOrderAsync(string manufacturer, string serialNumber, AgvOrder order, CancellationToken cancellationToken = default);
}
