using Orleans.Runtime;
using Orleans.Streams;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>Publishes live events the way grains do (on the silo's memory streams), from a given silo.</summary>
public static class LiveEvents
{
    public static Task PublishAsync(this TrackingHost host, LiveEvent evt) =>
        host.Services.GetRequiredService<IClusterClient>()
            .GetStreamProvider(LiveStreams.Provider)
            .GetStream<LiveEvent>(StreamId.Create(LiveStreams.WarehouseNamespace, evt.Warehouse))
            .OnNextAsync(evt);

    public static Task PublishToRegionAsync(this TrackingHost host, string region, LiveEvent evt) =>
        host.Services.GetRequiredService<IClusterClient>()
            .GetStreamProvider(LiveStreams.Provider)
            .GetStream<LiveEvent>(StreamId.Create(LiveStreams.RegionNamespace, region))
            .OnNextAsync(evt);

    public static ItemChanged Arrived(string epc, string location, string warehouse = "AMS1") =>
        new(warehouse, DateTimeOffset.UtcNow, epc, "SKU-1", ItemStatus.Expected, ItemStatus.Received, null, location, "received");

    public static AgvChanged AgvAt(string agvId, double x, double y, string warehouse = "AMS1", string? taskId = null) =>
        new(warehouse, DateTimeOffset.UtcNow, new AgvSnapshot(agvId, warehouse, x, y, 0, 80, false, AgvAvailability.Executing, "ONLINE", taskId, null, [], DateTimeOffset.UtcNow, null));
}
