using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Regions;

namespace Tracking.UnitTests.Regions;

/// <summary>Generated regional scenarios (fixed seeds, so failures reproduce): hard limits always hold, small ones match exhaustive search.</summary>
public sealed class TransferPlannerPropertyTests
{
    private static readonly string[] Names = ["W1", "W2", "W3", "W4"];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 40; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Lane_destination_and_origin_capacities_are_never_exceeded(int seed)
    {
        var random = new Random(seed);
        var warehouses = Names.Take(random.Next(2, 5)).ToArray();
        var queues = new List<PlanningQueue>();
        foreach (var w in warehouses)
        {
            foreach (var stage in BacklogStages.All.Take(random.Next(1, 4)))
            {
                var capacity = random.Next(0, 4) == 0 ? 0 : random.Next(1, 400);
                queues.Add(new PlanningQueue(w, stage, random.Next(0, 3000), capacity, capacity == 0 ? 0 : random.Next(0, capacity + 1)));
            }
        }

        var lanes = new List<PlanningLane>();
        foreach (var from in warehouses)
        {
            foreach (var to in warehouses.Where(t => t != from && random.Next(0, 3) > 0))
            {
                var capacity = random.Next(0, 500);
                lanes.Add(new PlanningLane(from, to, random.Next(0, 1000) / 100m, random.Next(0, 120), capacity, random.Next(0, capacity + 1)));
            }
        }

        var origins = warehouses.Where(_ => random.Next(0, 3) > 0).ToHashSet();
        var plan = TransferPlanner.Plan(new PlanningInput(queues, lanes, origins), new PlannerSettings(WaitingCostPerItemDay: random.Next(1, 50) / 10.0));

        foreach (var lane in lanes)
        {
            var carried = plan.Proposals.Where(p => p.From == lane.From && p.To == lane.To).Sum(p => p.Quantity);
            Assert.True(carried <= lane.DailyCapacity - lane.CommittedToday, $"lane {lane.From}->{lane.To} carries {carried} of {lane.DailyCapacity - lane.CommittedToday}");
        }

        foreach (var q in queues)
        {
            var outgoing = plan.Proposals.Where(p => p.From == q.Warehouse && p.Stage == q.Stage).Sum(p => p.Quantity);
            var incoming = plan.Proposals.Where(p => p.To == q.Warehouse && p.Stage == q.Stage).Sum(p => p.Quantity);
            Assert.True(outgoing <= q.Waiting, $"{q.Warehouse} {q.Stage} sends {outgoing} of {q.Waiting}");
            Assert.True(incoming <= q.DailyCapacity - q.IntakeCommitted, $"{q.Warehouse} {q.Stage} takes {incoming} of {q.DailyCapacity - q.IntakeCommitted}");
            Assert.True(outgoing == 0 || origins.Contains(q.Warehouse), $"{q.Warehouse} is not an origin but sends");
        }

        Assert.All(plan.Proposals, p => Assert.True(p.Quantity > 0));
        Assert.True(plan.Totals.WaitingItemDaysAfter <= plan.Totals.WaitingItemDaysBefore + 1e-6, "a plan never adds waiting overall");
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Small_scenarios_reach_the_optimum_found_by_exhaustive_search(int seed)
    {
        var random = new Random(seed);
        var settings = new PlannerSettings(WaitingCostPerItemDay: random.Next(5, 30) / 10.0, CapabilityGapItemDays: 10);
        var queues = Names.Take(3)
            .Select(w => new PlanningQueue(w, BacklogStage.Inspection, random.Next(0, 7), random.Next(0, 4), 0))
            .ToList();
        var lanes = new List<PlanningLane>();
        foreach (var from in queues)
        {
            foreach (var to in queues.Where(t => t != from))
            {
                lanes.Add(new PlanningLane(from.Warehouse, to.Warehouse, random.Next(0, 300) / 100m, random.Next(0, 24), random.Next(0, 5)));
            }
        }

        var plan = TransferPlanner.Plan(new PlanningInput(queues, lanes, queues.Select(q => q.Warehouse).ToHashSet()), settings);

        var planned = lanes.Select(l => plan.Proposals.Where(p => p.From == l.From && p.To == l.To).Sum(p => p.Quantity)).ToArray();
        Assert.Equal(BestByEnumeration(queues, lanes, settings), Cost(queues, lanes, planned, settings)!.Value, 6);
    }

    private static double BestByEnumeration(List<PlanningQueue> queues, List<PlanningLane> lanes, PlannerSettings settings)
    {
        var best = double.MaxValue;
        var flows = new int[lanes.Count];
        void Search(int i)
        {
            if (i == lanes.Count)
            {
                if (Cost(queues, lanes, flows, settings) is { } c)
                {
                    best = Math.Min(best, c);
                }

                return;
            }

            for (var x = 0; x <= lanes[i].DailyCapacity; x++)
            {
                flows[i] = x;
                Search(i + 1);
            }
        }

        Search(0);
        return best;
    }

    /// <summary>The objective computed directly from its definition; null when the flows break a limit.</summary>
    private static double? Cost(List<PlanningQueue> queues, List<PlanningLane> lanes, int[] flows, PlannerSettings settings)
    {
        var total = 0.0;
        foreach (var q in queues)
        {
            var outgoing = lanes.Select((l, i) => l.From == q.Warehouse ? flows[i] : 0).Sum();
            var incoming = lanes.Select((l, i) => l.To == q.Warehouse ? flows[i] : 0).Sum();
            if (outgoing > q.Waiting || incoming > q.DailyCapacity - q.IntakeCommitted)
            {
                return null;
            }

            total += settings.WaitingCostPerItemDay * TransferPlanner.WaitingItemDays(q.Waiting - outgoing + incoming, q.DailyCapacity, settings);
        }

        return total + lanes.Select((l, i) => flows[i] * ((double)l.CostPerItem + (settings.WaitingCostPerItemDay * l.TransitHours / 24))).Sum();
    }
}
