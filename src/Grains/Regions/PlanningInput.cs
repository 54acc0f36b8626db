using Tracking.Grains.Interfaces.Regions;

namespace Tracking.Grains.Regions;

/// <summary>
/// What the planner plans over: one queue per (warehouse, stage), the lanes, and which warehouses may send.
/// Warehouses with no queue for a stage neither send nor take that stage.
/// </summary>
public sealed record PlanningInput(
    IReadOnlyList<PlanningQueue> Queues,
    IReadOnlyList<PlanningLane> Lanes,
    IReadOnlySet<string> Origins);

/// <summary>
/// <paramref name="Waiting"/> items queue for <paramref name="Stage"/> (already counting transfers committed in and
/// out, and items on their way here); the warehouse processes <paramref name="DailyCapacity"/> a day (0 = cannot) and
/// has already committed <paramref name="IntakeCommitted"/> of today's intake to approved transfers. Only
/// <paramref name="Present"/> of them are on its floor and free to leave (all of <paramref name="Waiting"/> if not given):
/// an item still on a truck towards it cannot be sent on.
/// </summary>
public sealed record PlanningQueue(string Warehouse, BacklogStage Stage, int Waiting, int DailyCapacity, int IntakeCommitted = 0, int? Present = null);

/// <summary>A one-way lane; <paramref name="CommittedToday"/> of its daily capacity is already taken by approved transfers.</summary>
public sealed record PlanningLane(string From, string To, decimal CostPerItem, double TransitHours, int DailyCapacity, int CommittedToday = 0);

/// <summary>
/// The exchange rate between waiting and money, and how to price what cannot be processed at all.
/// </summary>
/// <param name="WaitingCostPerItemDay">Currency one item waiting one day is worth; converts waiting into the unit of transport cost.</param>
/// <param name="CapabilityGapItemDays">Item-days charged per item left where its stage cannot be done (it would wait indefinitely).</param>
/// <param name="MaxSegmentsPerQueue">Resolution of the convex waiting curve; queues longer than this are approximated between exact breakpoints.</param>
/// <param name="TimeLimit">Solver time limit; a plan found within it but not proven optimal is returned marked so.</param>
public sealed record PlannerSettings(
    double WaitingCostPerItemDay = 2.0,
    double CapabilityGapItemDays = 30,
    int MaxSegmentsPerQueue = 200,
    TimeSpan? TimeLimit = null);
