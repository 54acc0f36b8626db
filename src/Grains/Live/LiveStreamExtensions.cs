using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>How grains publish to the live maps. Publishing never fails the caller's state change.</summary>
public static class LiveStreamExtensions
{
    public static IAsyncStream<LiveEvent> WarehouseStream(this IStreamProvider provider, string warehouse) =>
        provider.GetStream<LiveEvent>(StreamId.Create(LiveStreams.WarehouseNamespace, warehouse));

    public static IAsyncStream<LiveEvent> RegionStream(this IStreamProvider provider, string region) =>
        provider.GetStream<LiveEvent>(StreamId.Create(LiveStreams.RegionNamespace, region));

    /// <summary>
    /// Publishes to the warehouse stream. The state change has already been stored, so a lost live event only
    /// costs a map a resync; it is logged, not thrown.
    /// </summary>
    public static async Task PublishLiveAsync(this Grain grain, LiveEvent evt, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(evt);
        try
        {
            await grain.GetStreamProvider(LiveStreams.Provider).WarehouseStream(evt.Warehouse).OnNextAsync(evt);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Live event {EventType} for warehouse {Warehouse} was not published", evt.GetType().Name, evt.Warehouse);
        }
    }
}
