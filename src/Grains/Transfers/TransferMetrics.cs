using System.Diagnostics.Metrics;

namespace Tracking.Grains.Transfers;

/// <summary>Counters for planning and transfers (Meter "Tracking").</summary>
internal static class TransferMetrics
{
    private static readonly Meter Meter = new("Tracking");

    public static readonly Counter<long> PlansRun = Meter.CreateCounter<long>("tracking.regions.plans", description: "Planning runs");

    public static readonly Histogram<double> PlanDuration = Meter.CreateHistogram<double>("tracking.regions.plan.duration", "ms", "Time to build and solve one plan");

    public static readonly Counter<long> TransfersProposed = Meter.CreateCounter<long>("tracking.transfers.proposed", description: "Transfers created (planner or manager)");

    public static readonly Counter<long> TransfersAutoApproved = Meter.CreateCounter<long>("tracking.transfers.auto_approved", description: "Proposals approved by policy");

    public static readonly Counter<long> ItemsMissing = Meter.CreateCounter<long>("tracking.transfers.items_missing", description: "Transfer items not received");

    public static readonly Counter<long> ItemsUnexpected = Meter.CreateCounter<long>("tracking.transfers.items_unexpected", description: "Items received on a transfer they were not on");

    public static readonly Counter<long> Overdue = Meter.CreateCounter<long>("tracking.transfers.overdue", description: "Transfers past ETA plus grace");
}
