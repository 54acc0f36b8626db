using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Regions;

namespace Tracking.UnitTests.Regions;

public sealed class TransferPlannerTests
{
    private static readonly PlannerSettings OnePerItemDay = new(WaitingCostPerItemDay: 1.0, CapabilityGapItemDays: 30);

    private static PlanningInput Input(IReadOnlyList<PlanningQueue> queues, IReadOnlyList<PlanningLane> lanes, params string[] origins) =>
        new(queues, lanes, (origins.Length == 0 ? queues.Select(q => q.Warehouse) : origins).ToHashSet(StringComparer.OrdinalIgnoreCase));

    [Fact]
    public void A_long_queue_sends_items_until_the_next_one_saves_less_than_it_costs()
    {
        // A: 10 waiting, 2/day. B: empty, 10/day. Lane cost 1, no transit. The m-th item moved saves (11-m)/2 days at A,
        // adds m/10 days at B and costs 1: worth it while 4.5 - 0.6m > 0, so exactly 7 items.
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 10, 2), new("B", BacklogStage.Inspection, 0, 10)], [new("A", "B", 1m, 0, 100)], "A"),
            OnePerItemDay);

        var proposal = Assert.Single(plan.Proposals);
        Assert.Equal(("A", "B", BacklogStage.Inspection, 7), (proposal.From, proposal.To, proposal.Stage, proposal.Quantity));
        Assert.True(plan.Optimal);
        Assert.Equal(27.5, plan.Totals.WaitingItemDaysBefore, 6);
        Assert.Equal(3 + 2.8, plan.Totals.WaitingItemDaysAfter, 6);
        Assert.Equal(7m, plan.Totals.TransportCost);
    }

    [Fact]
    public void Each_proposal_explains_backlog_days_at_both_ends_cost_and_lane()
    {
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 10, 2), new("B", BacklogStage.Inspection, 0, 10)], [new("A", "B", 1m, 6, 100)], "A"),
            OnePerItemDay);

        var p = Assert.Single(plan.Proposals);
        Assert.Equal(5.0, p.FromBacklogDaysBefore);
        Assert.Equal((10 - p.Quantity) / 2.0, p.FromBacklogDaysAfter);
        Assert.Equal(0.0, p.ToBacklogDaysBefore);
        Assert.Equal(p.Quantity / 10.0, p.ToBacklogDaysAfter);
        Assert.Equal(1m * p.Quantity, p.TotalCost);
        Assert.Equal(6, p.TransitHours);
        Assert.True(p.WaitingItemDaysSaved > 0);
        Assert.Contains("A->B", p.Explanation, StringComparison.Ordinal);
        Assert.Contains("backlog-days", p.Explanation, StringComparison.Ordinal);
        Assert.Contains("transport", p.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Items_still_on_their_way_to_a_warehouse_are_not_sent_on_from_it()
    {
        // A: 210 queued, but only 10 on its floor (200 on a truck towards it), 50/day. Z: empty, cheap lane. Only the 10
        // present can leave today, however long A's queue.
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 210, 50, Present: 10), new("Z", BacklogStage.Inspection, 0, 100)], [new("A", "Z", 0.01m, 0, 500)], "A"),
            OnePerItemDay);

        Assert.Equal(10, Assert.Single(plan.Proposals).Quantity);
    }

    [Fact]
    public void A_lane_never_carries_more_than_its_remaining_daily_capacity()
    {
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 10, 2), new("B", BacklogStage.Inspection, 0, 10)], [new("A", "B", 1m, 0, 10, CommittedToday: 6)], "A"),
            OnePerItemDay);

        Assert.Equal(4, Assert.Single(plan.Proposals).Quantity);
    }

    [Fact]
    public void A_destination_never_takes_more_than_its_daily_capacity_left_today()
    {
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 10, 2), new("B", BacklogStage.Inspection, 0, 10, IntakeCommitted: 7)], [new("A", "B", 1m, 0, 100)], "A"),
            OnePerItemDay);

        Assert.Equal(3, Assert.Single(plan.Proposals).Quantity);
    }

    [Fact]
    public void Stages_sharing_a_lane_get_its_capacity_where_it_saves_most()
    {
        // Free lane of 6. The j-th Refurbish item moved saves (11-j)/1 - j/100, the j-th Inspection item (11-j)/2 - j/100:
        // the six best are Refurbish 1..5 (9.99 .. 5.95) and Inspection 1 (4.99), ahead of Refurbish 6 (4.94).
        var plan = TransferPlanner.Plan(
            Input(
                [
                    new("A", BacklogStage.Inspection, 10, 2), new("A", BacklogStage.Refurbish, 10, 1),
                    new("B", BacklogStage.Inspection, 0, 100), new("B", BacklogStage.Refurbish, 0, 100),
                ],
                [new("A", "B", 0m, 0, 6)],
                "A"),
            OnePerItemDay);

        Assert.Equal(5, plan.Proposals.Single(p => p.Stage == BacklogStage.Refurbish).Quantity);
        Assert.Equal(1, plan.Proposals.Single(p => p.Stage == BacklogStage.Inspection).Quantity);
    }

    [Fact]
    public void Items_stuck_where_their_stage_cannot_be_done_go_to_a_warehouse_that_can_and_never_to_one_that_cannot()
    {
        // BER1 cannot refurbish: each item left there costs 30 item-days. AMS1 refurbishes 240 a day; CHI1 is cheaper to
        // reach but cannot refurbish either.
        var plan = TransferPlanner.Plan(
            Input(
                [
                    new("BER1", BacklogStage.Refurbish, 5, 0), new("AMS1", BacklogStage.Refurbish, 0, 240),
                    new("CHI1", BacklogStage.Refurbish, 0, 0),
                ],
                [new("BER1", "AMS1", 1.8m, 10, 400), new("BER1", "CHI1", 0.1m, 1, 400)],
                "BER1"),
            new PlannerSettings(WaitingCostPerItemDay: 2.0, CapabilityGapItemDays: 30));

        var p = Assert.Single(plan.Proposals);
        Assert.Equal(("BER1", "AMS1", 5), (p.From, p.To, p.Quantity));
        Assert.Null(p.FromBacklogDaysBefore);
        Assert.Contains("no capacity", p.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_moves_when_transport_costs_more_than_the_waiting_it_saves()
    {
        // A's first item out saves at most 2/2 = 1 item-day, worth 1; the lane costs 5 an item.
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 2, 2), new("B", BacklogStage.Inspection, 0, 10)], [new("A", "B", 5m, 0, 100)], "A"),
            OnePerItemDay);

        Assert.Empty(plan.Proposals);
        Assert.Equal(plan.Totals.WaitingItemDaysBefore, plan.Totals.WaitingItemDaysAfter);
    }

    [Fact]
    public void Only_the_hubs_own_warehouses_send()
    {
        var plan = TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 0, 2), new("B", BacklogStage.Inspection, 50, 1)], [new("B", "A", 0m, 0, 100), new("A", "B", 0m, 0, 100)], "A"),
            OnePerItemDay);

        Assert.Empty(plan.Proposals);
    }

    [Fact]
    public void Invalid_input_is_rejected_with_every_problem_named_and_nothing_planned()
    {
        var ex = Assert.Throws<DomainException>(() => TransferPlanner.Plan(
            Input(
                [new("A", BacklogStage.Inspection, -3, 2), new("B", BacklogStage.Inspection, 0, 10, IntakeCommitted: 12)],
                [new("A", "Z", 1m, 0, 10), new("A", "B", 1m, 0, 10, CommittedToday: 11), new("B", "B", 1m, 0, 10)],
                "A"),
            OnePerItemDay));

        Assert.Equal(DomainErrorKind.Invalid, ex.Kind);
        Assert.Equal("plan-input-invalid", ex.Code);
        Assert.Contains("A Inspection has a negative backlog (-3)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("B Inspection has 12 items committed for intake but takes 10 a day", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lane A->Z names Z, which has no backlog data", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lane A->B has 11 items committed today but carries 10 a day", ex.Message, StringComparison.Ordinal);
        Assert.Contains("lane B->B goes nowhere", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_positive_price_of_waiting_is_rejected()
    {
        var ex = Assert.Throws<DomainException>(() => TransferPlanner.Plan(
            Input([new("A", BacklogStage.Inspection, 1, 1)], []),
            new PlannerSettings(WaitingCostPerItemDay: 0)));

        Assert.Contains("waiting cost per item-day must be a positive number", ex.Message, StringComparison.Ordinal);
    }
}
