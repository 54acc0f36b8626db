using System.Diagnostics.Metrics;

namespace Tracking.Grains.Devices;

/// <summary>Device-side counters on the "Tracking" meter.</summary>
public static class DeviceMetrics
{
    public static readonly Meter Meter = new("Tracking");

    public static readonly Counter<long> RfidReads = Meter.CreateCounter<long>("tracking.rfid.reads", description: "Raw RFID reads processed by gate grains");

    public static readonly Histogram<double> ObservationDuration = Meter.CreateHistogram<double>(
        "tracking.rfid.observation_duration", unit: "ms", description: "Time for an item to take a gate's observation, retries included");

    public static readonly Counter<long> RfidChanges = Meter.CreateCounter<long>("tracking.rfid.changes", description: "Tag arrivals, zone changes and departures after deduplication");

    public static readonly Counter<long> ItemObservationFailures = Meter.CreateCounter<long>("tracking.rfid.observation_failures", description: "Item observations that failed, by outcome: retry, gave-up (left unacknowledged, the tag reported again on its next read) or rejected by the item");

    public static readonly Counter<long> AgvStatesIgnored = Meter.CreateCounter<long>("tracking.agv.states_ignored", description: "Stale or out-of-order VDA 5050 states dropped");

    public static readonly Counter<long> AgvOrdersSent = Meter.CreateCounter<long>("tracking.agv.orders_sent", description: "VDA 5050 orders published, resends included");

    public static readonly Counter<long> TransportTasks = Meter.CreateCounter<long>("tracking.transport.task_changes", description: "Transport task status changes");
}
