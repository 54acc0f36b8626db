using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Regions;

namespace Tracking.Bench.Planner;

/// <summary>
/// The naive rule a dispatcher might apply by hand: for each overloaded queue (more than a day of work, or a stage the
/// warehouse cannot do), worst first, send the excess to the nearest warehouse that can still take that stage today,
/// within lane capacity. It looks at distance and spare intake only, not at the destination's own backlog or at cost.
/// </summary>
public static class NearestWithCapacity
{
    public static PlanTotals Plan(PlanningInput input, PlannerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(settings);
        var level = input.Queues.ToDictionary(q => (q.Warehouse, q.Stage), q => q.Waiting);
        var intake = input.Queues.ToDictionary(q => (q.Warehouse, q.Stage), q => q.DailyCapacity - q.IntakeCommitted);
        var laneRoom = input.Lanes.ToDictionary(l => (l.From, l.To), l => l.DailyCapacity - l.CommittedToday);
        var outgoing = input.Queues.ToDictionary(q => (q.Warehouse, q.Stage), q => q.Waiting);
        var moves = new List<(PlanningLane Lane, int Quantity)>();
        var overloaded = input.Queues
            .Where(q => q.DailyCapacity == 0 ? q.Waiting > 0 : q.Waiting > q.DailyCapacity)
            .OrderByDescending(q => q.DailyCapacity == 0 ? double.MaxValue : (double)q.Waiting / q.DailyCapacity);
        foreach (var queue in overloaded)
        {
            var excess = queue.Waiting - queue.DailyCapacity;
            foreach (var lane in input.Lanes.Where(l => l.From == queue.Warehouse).OrderBy(l => l.TransitHours))
            {
                var key = (lane.To, queue.Stage);
                var quantity = Math.Min(excess, Math.Min(laneRoom[(lane.From, lane.To)], Math.Min(intake[key], outgoing[(queue.Warehouse, queue.Stage)])));
                if (quantity <= 0)
                {
                    continue;
                }

                moves.Add((lane, quantity));
                excess -= quantity;
                laneRoom[(lane.From, lane.To)] -= quantity;
                intake[key] -= quantity;
                outgoing[(queue.Warehouse, queue.Stage)] -= quantity;
                level[(queue.Warehouse, queue.Stage)] -= quantity;
                level[key] += quantity;
                if (excess <= 0)
                {
                    break;
                }
            }
        }

        var byKey = input.Queues.ToDictionary(q => (q.Warehouse, q.Stage));
        return new PlanTotals(
            input.Queues.Sum(q => TransferPlanner.WaitingItemDays(q.Waiting, q.DailyCapacity, settings)),
            level.Sum(kv => TransferPlanner.WaitingItemDays(kv.Value, byKey[kv.Key].DailyCapacity, settings)),
            moves.Sum(m => m.Quantity * m.Lane.TransitHours / 24),
            moves.Sum(m => m.Lane.CostPerItem * m.Quantity),
            moves.Sum(m => m.Quantity));
    }
}
