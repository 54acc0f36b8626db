using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Interfaces.Regions;

/// <summary>
/// The outcome of one planning run: the proposals (each created as a Planned transfer, or Approved when the
/// auto-approve policy allowed it) and the totals the solver traded off.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RegionPlan(
    [property: Id(0)] string PlanId,
    [property: Id(1)] string Region,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] IReadOnlyList<PlannedTransfer> Transfers,
    [property: Id(4)] PlanTotals Totals,
    [property: Id(5)] bool Optimal,
    [property: Id(6)] string Solver,
    [property: Id(7)] IReadOnlyList<string> Notes);

[GenerateSerializer, Immutable]
public sealed record PlannedTransfer(
    [property: Id(0)] string TransferId,
    [property: Id(1)] TransferStatus Status,
    [property: Id(2)] TransferProposal Proposal,
    [property: Id(3)] string? AutoApproval);

/// <summary>Queue waiting in item-days (sum over items of days until processed) before and after the plan, and what moving costs.</summary>
[GenerateSerializer, Immutable]
public sealed record PlanTotals(
    [property: Id(0)] double WaitingItemDaysBefore,
    [property: Id(1)] double WaitingItemDaysAfter,
    [property: Id(2)] double TransitItemDays,
    [property: Id(3)] decimal TransportCost,
    [property: Id(4)] int ItemsMoved);
