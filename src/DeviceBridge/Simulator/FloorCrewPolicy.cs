using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>
/// What the simulated floor crew does with the inspection queue: take the most urgent item it has not just failed on,
/// and grade it with a plausible spread (mostly A/B, some damaged, a few beyond repair). Pure, so it is unit-tested.
/// </summary>
public static class FloorCrewPolicy
{
    /// <summary>Every change the crew makes is recorded under this user: nobody mistakes it for a person's work.</summary>
    public static readonly Actor Inspector = Actor.User("sim-inspector");

    public const string Note = "simulated floor crew (demo)";

    private static readonly (Grade Grade, double Weight)[] GradeWeights = [(Grade.A, 0.45), (Grade.B, 0.30), (Grade.C, 0.15), (Grade.D, 0.10)];

    private static readonly string[] Categories = ["electronics", "apparel", "home", "toys"];

    /// <summary>The queue comes ordered (priority, then age); skip what the crew failed on recently (someone else's item now).</summary>
    public static InspectionQueueEntry? Pick(IReadOnlyList<InspectionQueueEntry> queue, IReadOnlySet<string> recentlyFailed)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(recentlyFailed);
        return queue.FirstOrDefault(e => !recentlyFailed.Contains(e.ItemId));
    }

    public static GradeItem Inspect(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var roll = random.NextDouble();
        var grade = GradeWeights[^1].Grade;
        foreach (var (g, weight) in GradeWeights)
        {
            if (roll < weight)
            {
                grade = g;
                break;
            }

            roll -= weight;
        }

        var value = Math.Round((decimal)(5 + (random.NextDouble() * 495)), 2);
        return new GradeItem(grade, Inspector, Note, Category: Categories[random.Next(Categories.Length)], Value: value, VendorReturnEligible: random.NextDouble() < 0.2);
    }

    /// <summary>Seconds until the crew's next inspection: exponential around the configured mean, never a busy loop.</summary>
    public static TimeSpan NextInspection(Random random, double meanSeconds)
    {
        ArgumentNullException.ThrowIfNull(random);
        var mean = Math.Max(0.05, meanSeconds);
        return TimeSpan.FromSeconds(Math.Min(mean * 5, -Math.Log(1 - random.NextDouble()) * mean));
    }
}
