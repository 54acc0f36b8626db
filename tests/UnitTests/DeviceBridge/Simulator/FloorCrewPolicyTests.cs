using Tracking.DeviceBridge.Simulator;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.UnitTests.DeviceBridge.Simulator;

public sealed class FloorCrewPolicyTests
{
    [Fact]
    public void The_crew_takes_the_head_of_the_queue()
    {
        var queue = new[] { Entry("URGENT"), Entry("LATER") };

        Assert.Equal("URGENT", FloorCrewPolicy.Pick(queue, new HashSet<string>())!.ItemId);
    }

    [Fact]
    public void An_item_the_crew_just_failed_on_is_passed_over()
    {
        var queue = new[] { Entry("STUCK"), Entry("NEXT") };

        Assert.Equal("NEXT", FloorCrewPolicy.Pick(queue, new HashSet<string> { "STUCK" })!.ItemId);
        Assert.Null(FloorCrewPolicy.Pick(queue, new HashSet<string> { "STUCK", "NEXT" }));
        Assert.Null(FloorCrewPolicy.Pick([], new HashSet<string>()));
    }

    [Fact]
    public void Every_grade_is_signed_by_the_simulated_inspector()
    {
        var grade = FloorCrewPolicy.Inspect(new Random(1));

        Assert.Equal(new Actor(ActorKind.User, "sim-inspector"), grade.Inspector);
        Assert.Contains("simulated", grade.Notes, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(grade.Category);
        Assert.InRange(grade.Value!.Value, 5m, 500m);
    }

    [Fact]
    public void Grades_are_mostly_good_with_some_damaged_and_a_few_beyond_repair()
    {
        var random = new Random(42);
        var counts = Enumerable.Range(0, 4000).Select(_ => FloorCrewPolicy.Inspect(random).Grade).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());

        Assert.InRange(counts[Grade.A], 1600, 2000);
        Assert.InRange(counts[Grade.B], 1000, 1400);
        Assert.InRange(counts[Grade.C], 450, 750);
        Assert.InRange(counts[Grade.D], 250, 550);
    }

    [Fact]
    public void The_pause_between_inspections_averages_the_configured_mean_and_is_capped()
    {
        var random = new Random(3);
        var pauses = Enumerable.Range(0, 1000).Select(_ => FloorCrewPolicy.NextInspection(random, 8)).ToArray();

        Assert.All(pauses, p => Assert.InRange(p.TotalSeconds, 0, 40));
        Assert.InRange(pauses.Average(p => p.TotalSeconds), 6, 10);
    }

    private static InspectionQueueEntry Entry(string id) =>
        new(id, "SKU", ItemStatus.Received, "DOCK-IN-01", 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), false, true);
}
