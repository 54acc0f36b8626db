using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.UnitTests.Transfers;

public sealed class TransferSummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Items_that_arrived_are_no_longer_on_the_way_while_the_arrival_settles()
    {
        var summary = TransferSummary.Of(Transfer(TransferStatus.Arrived,
            Item("A", TransferItemState.Arrived), Item("B", TransferItemState.Departed), Item("C", TransferItemState.Arrived)));

        Assert.Equal(3, summary.ItemCount);
        Assert.Equal(2, summary.Arrived);
        Assert.Equal(1, summary.OnTheWay);
    }

    [Fact]
    public void Items_read_at_the_destination_but_not_on_the_manifest_count_neither_as_items_nor_as_arrived()
    {
        var summary = TransferSummary.Of(Transfer(TransferStatus.Arrived,
            Item("A", TransferItemState.Arrived), Item("EXTRA", TransferItemState.Unexpected), Item("B", TransferItemState.Departed)));

        Assert.Equal((2, 1, 1), (summary.ItemCount, summary.Arrived, summary.OnTheWay));
    }

    [Fact]
    public void A_summary_stored_before_arrivals_were_counted_has_all_its_items_on_the_way()
    {
        var summary = TransferSummary.Of(Transfer(TransferStatus.InTransit, Item("A", TransferItemState.Departed), Item("B", TransferItemState.Departed))) with { Arrived = 0 };

        Assert.Equal(2, summary.OnTheWay);
    }

    private static TransferItem Item(string id, TransferItemState state) => new(id, state, At, null);

    private static TransferSnapshot Transfer(TransferStatus status, params TransferItem[] items) => new(
        "TR-1", "AMS1", "BER1", BacklogStage.Inspection, items.Length, status, null, null, items, "DOCK-OUT-01",
        At, At, At, At.AddHours(6), At.AddHours(5), null, null, false, [], At.AddHours(5), 7);
}
