using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Bounded channels between the MQTT receive loop and the grain calls. A device always lands in the same lane (its
/// messages stay in order); lanes run in parallel so one slow device does not hold up the others. When a lane is
/// full the receive loop waits: back-pressure reaches the broker instead of memory growing without bound.
/// </summary>
public sealed class DeviceLanes
{
    private readonly Channel<DeviceMessage>[] _lanes;

    public DeviceLanes(IOptions<MqttOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _lanes = Enumerable.Range(0, options.Value.Lanes)
            .Select(_ => Channel.CreateBounded<DeviceMessage>(new BoundedChannelOptions(options.Value.ChannelCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            }))
            .ToArray();
        DeviceMetrics.Meter.CreateObservableGauge("tracking.devices.queued", () => _lanes.Sum(l => l.Reader.Count), description: "Device messages waiting for their grain call");
    }

    public int Count => _lanes.Length;

    public ChannelReader<DeviceMessage> Reader(int lane) => _lanes[lane].Reader;

    public ValueTask WriteAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var lane = (int)((uint)StringComparer.OrdinalIgnoreCase.GetHashCode(message.DeviceId) % (uint)_lanes.Length);
        return _lanes[lane].Writer.WriteAsync(message, cancellationToken);
    }

    public void Complete()
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
    }
}
