using System.Globalization;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Regions;

namespace Tracking.Bench.Planner;

/// <summary>
/// A generated region: warehouses scattered over ~1,000 km, a full mesh of lanes priced and timed by distance, and per
/// stage a daily capacity (sometimes none: a capability gap) and a backlog that is heavy in a few warehouses.
/// Reproducible from its seed.
/// </summary>
public static class RegionalScenario
{
    public static (PlanningInput Input, IReadOnlyDictionary<string, (double X, double Y)> Positions) Generate(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(4, 9);
        var positions = Enumerable.Range(1, count).ToDictionary(
            i => string.Create(CultureInfo.InvariantCulture, $"W{i}"),
            _ => (X: random.NextDouble() * 1000, Y: random.NextDouble() * 1000));
        var queues = new List<PlanningQueue>();
        foreach (var warehouse in positions.Keys)
        {
            var overloaded = random.NextDouble() < 0.35;
            foreach (var stage in BacklogStages.All)
            {
                var gap = stage is BacklogStage.Refurbish or BacklogStage.VendorReturn && random.NextDouble() < 0.25;
                var capacity = gap ? 0 : random.Next(20, 200);
                var days = overloaded ? 2 + (random.NextDouble() * 8) : random.NextDouble() * 1.5;
                var waiting = (int)(Math.Max(capacity, 30) * days);
                queues.Add(new PlanningQueue(warehouse, stage, waiting, capacity));
            }
        }

        var lanes = new List<PlanningLane>();
        foreach (var from in positions)
        {
            foreach (var to in positions.Where(p => p.Key != from.Key))
            {
                var km = Math.Sqrt(Math.Pow(from.Value.X - to.Value.X, 2) + Math.Pow(from.Value.Y - to.Value.Y, 2));
                lanes.Add(new PlanningLane(from.Key, to.Key, Math.Round(0.5m + (decimal)(km * 0.004), 2), Math.Round(4 + (km / 60), 1), random.Next(50, 400)));
            }
        }

        return (new PlanningInput(queues, lanes, positions.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase)), positions);
    }
}
