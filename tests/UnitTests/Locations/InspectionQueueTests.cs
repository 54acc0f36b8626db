using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Locations;

public sealed class InspectionQueueTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 14, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Higher_priority_comes_first_then_the_longest_waiting_and_overdue_is_flagged_after_the_sla()
    {
        (string, LocationItem)[] waiting =
        [
            ("DOCK-IN-01", Item("new-low", 0, Now.AddHours(-1))),
            ("INSP-01", Item("old-low", 0, Now.AddHours(-30))),
            ("INSP-02", Item("new-high", 10, Now.AddMinutes(-5))),
            ("INSP-02", Item("old-high", 10, Now.AddHours(-2))),
            ("DOCK-IN-01", Item("exactly-due", 0, Now.AddHours(-24))),
        ];

        var queue = InspectionQueue.Order(waiting, TimeSpan.FromHours(24), Now);

        Assert.Equal(["old-high", "new-high", "old-low", "exactly-due", "new-low"], queue.Select(e => e.ItemId));
        Assert.Equal(["old-low"], queue.Where(e => e.Overdue).Select(e => e.ItemId));
        Assert.Equal(Now.AddHours(-30).AddHours(24), queue.Single(e => e.ItemId == "old-low").DueAt);
    }

    [Fact]
    public void An_item_without_a_receipt_time_is_not_queued()
    {
        var queue = InspectionQueue.Order([("DOCK-IN-01", Item("x", 0, null))], TimeSpan.FromHours(24), Now);

        Assert.Empty(queue);
    }

    private static LocationItem Item(string id, int priority, DateTimeOffset? received) =>
        new(id, "SKU", ItemStatus.Received, null, null, priority, received, false);
}
