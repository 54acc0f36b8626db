using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Tracking.Grains.Devices;
using Tracking.Grains.Hosting;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>How grains publish to the live maps. Publishing never fails the caller's state change.</summary>
public static partial class LiveStreamExtensions
{
    private static readonly Counter<long> PublishFailures = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.live.publish_failures", description: "Live events not published (reason: silo-stopping or error); maps resync on reconnect");

    /// <summary>
    /// Publishes to the warehouse stream. The state change has already been stored, so a lost live event only
    /// costs a map a resync; it is logged, not thrown. Once this silo is shutting down nothing is published: the
    /// stream's queue may have nowhere left to live, and Orleans would log an error and retry placement for each event.
    /// </summary>
    public static async Task PublishLiveAsync(this Grain grain, LiveEvent evt, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(evt);
        if (grain.SiloIsStopping())
        {
            DroppedWhileStopping(evt, logger, "not published");
            return;
        }

        try
        {
            var handles = grain.GrainContext.ActivationServices.GetRequiredService<LiveStreamHandles>();
            var stream = await handles.WarehouseAsync(evt.Warehouse);
            await stream.OnNextAsync(evt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnPublishFailed(evt, logger, ex, grain.SiloIsStopping());
        }
    }

    /// <param name="siloStopping">
    /// Whether the silo began shutting down meanwhile (<see cref="SiloShutdown"/>): then the stream's queue may have no
    /// silo left to live on, which is expected and counted and logged at Debug rather than as a warning per event.
    /// </param>
    internal static void OnPublishFailed(LiveEvent evt, ILogger logger, Exception ex, bool siloStopping)
    {
        if (siloStopping)
        {
            DroppedWhileStopping(evt, logger, ex.Message);
            return;
        }

        PublishFailures.Add(1, new KeyValuePair<string, object?>("reason", "error"));
        LogNotPublished(logger, ex, evt.GetType().Name, evt.Warehouse);
    }

    private static void DroppedWhileStopping(LiveEvent evt, ILogger logger, string reason)
    {
        PublishFailures.Add(1, new KeyValuePair<string, object?>("reason", "silo-stopping"));
        LogDroppedWhileStopping(logger, evt.GetType().Name, evt.Warehouse, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live event {EventType} for warehouse {Warehouse} was not published")]
    private static partial void LogNotPublished(ILogger logger, Exception ex, string eventType, string warehouse);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live event {EventType} for warehouse {Warehouse} dropped: this silo is shutting down ({Reason})")]
    private static partial void LogDroppedWhileStopping(ILogger logger, string eventType, string warehouse, string reason);
}
