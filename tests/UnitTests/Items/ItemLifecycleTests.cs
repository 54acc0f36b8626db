using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;
using static Tracking.Grains.Interfaces.Items.ItemStatus;

namespace Tracking.UnitTests.Items;

/// <summary>
/// Every (status, trigger) pair of the lifecycle: the table below is the specification written out by hand, and the
/// tests check the state machine against it in both directions (each legal move allowed, everything else refused).
/// </summary>
public sealed class ItemLifecycleTests
{
    private static readonly ItemStatus[] NonTerminal =
        [.. Enum.GetValues<ItemStatus>().Where(s => s is not (Restocked or ReturnedToVendor or Liquidated or Recycled or Scrapped))];

    private static readonly ItemStatus[] Physical =
        [Received, AwaitingInspection, Graded, Dispositioned, Stored, InRepair, AwaitingVendor, AwaitingLiquidation, AwaitingRecycling, AwaitingScrap];

    /// <summary>Trigger → (from → to) for every legal move. Positions carry BeforeHold = Graded and BeforeAway = Dispositioned.</summary>
    private static readonly Dictionary<ItemTrigger, Dictionary<ItemStatus, ItemStatus>> Legal = new()
    {
        [ItemTrigger.Receive] = new() { [Expected] = Received },
        [ItemTrigger.StartInspection] = new() { [Received] = AwaitingInspection },
        [ItemTrigger.Grade] = new() { [Received] = Graded, [AwaitingInspection] = Graded, [Graded] = Graded },
        [ItemTrigger.Disposition] = new() { [Graded] = Dispositioned, [Dispositioned] = Dispositioned },
        [ItemTrigger.PutAway] = new() { [Dispositioned] = InRepair },
        [ItemTrigger.Complete] = new()
        {
            [Stored] = Restocked, [InRepair] = Restocked, [AwaitingVendor] = ReturnedToVendor,
            [AwaitingLiquidation] = Liquidated, [AwaitingRecycling] = Recycled, [AwaitingScrap] = Scrapped,
        },
        [ItemTrigger.Hold] = NonTerminal.Where(s => s != OnHold).ToDictionary(s => s, _ => OnHold),
        [ItemTrigger.Release] = new() { [OnHold] = Graded },
        [ItemTrigger.StageForTransfer] = Physical.ToDictionary(s => s, s => s),
        [ItemTrigger.Depart] = Physical.ToDictionary(s => s, _ => InTransit),
        [ItemTrigger.Arrive] = Physical.ToDictionary(s => s, s => s)
            .Concat(new Dictionary<ItemStatus, ItemStatus> { [InTransit] = Dispositioned, [Missing] = Dispositioned })
            .ToDictionary(kv => kv.Key, kv => kv.Value),
        [ItemTrigger.MarkMissing] = NonTerminal.Where(s => s is not (Expected or Missing)).ToDictionary(s => s, _ => Missing),
        [ItemTrigger.Found] = new() { [Missing] = Dispositioned },
    };

    public static TheoryData<ItemStatus, ItemTrigger> EveryPair()
    {
        var data = new TheoryData<ItemStatus, ItemTrigger>();
        foreach (var status in Enum.GetValues<ItemStatus>())
        {
            foreach (var trigger in Enum.GetValues<ItemTrigger>())
            {
                data.Add(status, trigger);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Each_status_and_trigger_is_allowed_exactly_when_the_table_says_so(ItemStatus from, ItemTrigger trigger)
    {
        var position = new LifecyclePosition(from, BeforeHold: Graded, BeforeAway: Dispositioned);

        var decision = ItemLifecycle.Decide(position, trigger, Disposition.Refurbish);

        if (Legal[trigger].TryGetValue(from, out var expected))
        {
            Assert.True(decision.Allowed, $"{trigger} from {from} should be allowed: {decision.Rejection}");
            Assert.Equal(expected, decision.Next!.Status);
        }
        else
        {
            Assert.False(decision.Allowed, $"{trigger} from {from} should be refused, went to {decision.Next?.Status}");
            Assert.False(string.IsNullOrWhiteSpace(decision.Rejection));
        }
    }

    [Fact]
    public void The_table_covers_every_trigger()
    {
        Assert.Equal(Enum.GetValues<ItemTrigger>().Order(), Legal.Keys.Order());
    }

    [Fact]
    public void An_illegal_trigger_throws_a_conflict_that_names_the_item_and_the_reason()
    {
        var error = Assert.Throws<DomainException>(() => ItemLifecycle.Apply("EPC-1", new LifecyclePosition(Expected), ItemTrigger.Grade));

        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Equal("illegal-transition", error.Code);
        Assert.Contains("EPC-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Terminal_statuses_accept_nothing()
    {
        foreach (var status in ItemLifecycle.Terminal)
        {
            Assert.All(Enum.GetValues<ItemTrigger>(), t => Assert.False(ItemLifecycle.CanApply(new LifecyclePosition(status), t)));
        }
    }

    [Theory]
    [MemberData(nameof(NonTerminalNotOnHold))]
    public void Hold_then_release_returns_to_the_status_before_the_hold(ItemStatus status)
    {
        var held = ItemLifecycle.Apply("X", new LifecyclePosition(status), ItemTrigger.Hold);
        Assert.Equal(OnHold, held.Status);
        Assert.Equal(status, held.BeforeHold);

        var released = ItemLifecycle.Apply("X", held, ItemTrigger.Release);

        Assert.Equal(status, released.Status);
        Assert.Null(released.BeforeHold);
    }

    public static TheoryData<ItemStatus> NonTerminalNotOnHold() => [.. NonTerminal.Where(s => s != OnHold)];

    [Fact]
    public void An_item_that_departs_arrives_back_in_the_status_it_left_with()
    {
        var departed = ItemLifecycle.Apply("X", new LifecyclePosition(Graded), ItemTrigger.Depart);
        Assert.Equal(new LifecyclePosition(InTransit, null, Graded), departed);

        var arrived = ItemLifecycle.Apply("X", departed, ItemTrigger.Arrive);

        Assert.Equal(new LifecyclePosition(Graded), arrived);
    }

    [Fact]
    public void An_item_missing_in_transit_is_found_in_its_status_before_the_transfer()
    {
        var departed = ItemLifecycle.Apply("X", new LifecyclePosition(Stored), ItemTrigger.Depart);
        var missing = ItemLifecycle.Apply("X", departed, ItemTrigger.MarkMissing);
        Assert.Equal(Stored, missing.BeforeAway);

        Assert.Equal(Stored, ItemLifecycle.Apply("X", missing, ItemTrigger.Found).Status);
    }

    [Fact]
    public void A_held_item_in_transit_is_released_back_into_transit_and_still_arrives_right()
    {
        var departed = ItemLifecycle.Apply("X", new LifecyclePosition(AwaitingInspection), ItemTrigger.Depart);
        var held = ItemLifecycle.Apply("X", departed, ItemTrigger.Hold);
        var released = ItemLifecycle.Apply("X", held, ItemTrigger.Release);

        Assert.Equal(InTransit, released.Status);
        Assert.Equal(AwaitingInspection, ItemLifecycle.Apply("X", released, ItemTrigger.Arrive).Status);
    }

    [Theory]
    [InlineData(Disposition.Restock, Stored)]
    [InlineData(Disposition.Refurbish, InRepair)]
    [InlineData(Disposition.ReturnToVendor, AwaitingVendor)]
    [InlineData(Disposition.Liquidate, AwaitingLiquidation)]
    [InlineData(Disposition.Recycle, AwaitingRecycling)]
    [InlineData(Disposition.Scrap, AwaitingScrap)]
    public void Putting_away_leads_to_the_status_of_the_disposition(Disposition disposition, ItemStatus expected)
    {
        Assert.Equal(expected, ItemLifecycle.Apply("X", new LifecyclePosition(Dispositioned), ItemTrigger.PutAway, disposition).Status);
    }

    [Fact]
    public void Putting_away_without_a_disposition_is_refused()
    {
        Assert.False(ItemLifecycle.CanApply(new LifecyclePosition(Dispositioned), ItemTrigger.PutAway, disposition: null));
    }
}
