using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Bounded channels between the MQTT receive loop and the grain calls. A device always lands in the same lane (its
/// messages stay in order); lanes run in parallel. Within a lane each device has its own queue
/// (<see cref="DeviceQueue"/>), so one slow device does not hold up the others. When a lane is full the receive loop
/// waits: back-pressure reaches the broker instead of memory growing without bound.
/// </summary>
public sealed class DeviceLanes
{
    private readonly Channel<DeviceMessage>[] _lanes;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closed;

    public DeviceLanes(IOptions<MqttOptions> options, IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _lanes = Enumerable.Range(0, options.Value.Lanes)
            .Select(_ => Channel.CreateBounded<DeviceMessage>(new BoundedChannelOptions(options.Value.ChannelCapacity)
            {
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            }))
            .ToArray();
        // On the host's meter, not the static one: an instrument on a static meter would keep these lanes (and the gauge)
        // alive after the host is gone, and a second host in the process would report twice.
        meters.Create(DeviceMetrics.Meter.Name).CreateObservableGauge("tracking.devices.queued", () => _lanes.Sum(l => l.Reader.Count), description: "Device messages waiting for their grain call");
    }

    public int Count => _lanes.Length;

    /// <summary>True once shutdown began: nothing new is taken in.</summary>
    public bool IsClosed => _closed;

    /// <summary>Messages waiting in all lanes.</summary>
    public int Queued => _lanes.Sum(l => l.Reader.Count);

    /// <summary>Completes when the processor has handed every message taken in to its grain (or given up on shutdown).</summary>
    public Task WaitDrainedAsync(CancellationToken cancellationToken) => _drained.Task.WaitAsync(cancellationToken);

    public ChannelReader<DeviceMessage> Reader(int lane) => _lanes[lane].Reader;

    public ValueTask WriteAsync(DeviceMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _lanes[LaneOf(message.DeviceId, _lanes.Length)].Writer.WriteAsync(message, cancellationToken);
    }

    /// <summary>
    /// The lane of a device: FNV-1a over the upper-cased id. Stable across processes (string.GetHashCode is randomised
    /// per process), so which devices share a lane does not change from one start to the next.
    /// </summary>
    public static int LaneOf(string deviceId, int lanes)
    {
        ArgumentNullException.ThrowIfNull(deviceId);
        var hash = 2166136261u;
        foreach (var c in deviceId)
        {
            hash = (hash ^ char.ToUpperInvariant(c)) * 16777619u;
        }

        return (int)(hash % (uint)lanes);
    }

    internal void MarkDrained() => _drained.TrySetResult();

    /// <summary>Stops the intake: writers fail from now on, readers finish what is queued.</summary>
    public void Complete()
    {
        _closed = true;
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
    }
}
