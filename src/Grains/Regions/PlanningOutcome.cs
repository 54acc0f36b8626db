using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Regions;

/// <summary>What the planner decided: the proposals, each queue's level after them, and the totals traded off.</summary>
public sealed record PlanningOutcome(
    IReadOnlyList<TransferProposal> Proposals,
    IReadOnlyList<QueueOutcome> Queues,
    PlanTotals Totals,
    bool Optimal,
    string Solver);

public sealed record QueueOutcome(string Warehouse, BacklogStage Stage, int Before, int After, int DailyCapacity);
