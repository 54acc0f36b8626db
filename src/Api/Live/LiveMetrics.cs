using System.Diagnostics.Metrics;

namespace Tracking.Api.Live;

/// <summary>Live-map instruments on the "Tracking" meter.</summary>
internal static class LiveMetrics
{
    private static readonly Meter Meter = new("Tracking");

    public static readonly Counter<long> EventsReceived = Meter.CreateCounter<long>("tracking.live.events_received", description: "Stream events received by this silo's live feeds");

    /// <summary>
    /// From the event's time (stamped by the grain that made the change) to this silo's feed receiving it: the stream's
    /// share of a map's lag, before delta pacing and SignalR.
    /// </summary>
    public static readonly Histogram<double> EventLag = Meter.CreateHistogram<double>("tracking.live.event_lag", unit: "ms", description: "Time from a live event's timestamp to its arrival at this silo's feed");

    public static readonly Counter<long> DeltasSent = Meter.CreateCounter<long>("tracking.live.deltas_sent", description: "Delta batches sent to SignalR groups");

    public static readonly Counter<long> SnapshotsServed = Meter.CreateCounter<long>("tracking.live.snapshots_served", description: "Snapshots sent to joining or resyncing clients");

    public static readonly Counter<long> BaseReadFailures = Meter.CreateCounter<long>("tracking.live.base_read_failures", description: "Parts of a map that could not be read from the grains");

    public static readonly UpDownCounter<long> Feeds = Meter.CreateUpDownCounter<long>("tracking.live.feeds", description: "Warehouse and region feeds open on this silo");
}
