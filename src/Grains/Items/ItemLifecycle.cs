using System.Collections.Frozen;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Items;

/// <summary>
/// The returned-item state machine of DESIGN.md §2 as pure rules: given where an item is and what happened,
/// where it goes next, or why not. Grains call <see cref="Apply"/>, which throws a Conflict before anything changes.
/// </summary>
public static class ItemLifecycle
{
    public static readonly FrozenSet<ItemStatus> Terminal = new[]
    {
        ItemStatus.Restocked, ItemStatus.ReturnedToVendor, ItemStatus.Liquidated, ItemStatus.Recycled, ItemStatus.Scrapped,
    }.ToFrozenSet();

    /// <summary>Physically here and in the returns process: these may be staged for a transfer to another warehouse.</summary>
    public static readonly FrozenSet<ItemStatus> Stageable = new[]
    {
        ItemStatus.Received, ItemStatus.AwaitingInspection, ItemStatus.Graded, ItemStatus.Dispositioned,
        ItemStatus.Stored, ItemStatus.InRepair, ItemStatus.AwaitingVendor, ItemStatus.AwaitingLiquidation,
        ItemStatus.AwaitingRecycling, ItemStatus.AwaitingScrap,
    }.ToFrozenSet();

    /// <summary>Waiting for an inspector: the statuses the inspection queue shows.</summary>
    public static readonly FrozenSet<ItemStatus> AwaitingGrade = new[] { ItemStatus.Received, ItemStatus.AwaitingInspection }.ToFrozenSet();

    private static readonly FrozenDictionary<ItemStatus, ItemStatus> Completion = new Dictionary<ItemStatus, ItemStatus>
    {
        [ItemStatus.Stored] = ItemStatus.Restocked,
        [ItemStatus.InRepair] = ItemStatus.Restocked,
        [ItemStatus.AwaitingVendor] = ItemStatus.ReturnedToVendor,
        [ItemStatus.AwaitingLiquidation] = ItemStatus.Liquidated,
        [ItemStatus.AwaitingRecycling] = ItemStatus.Recycled,
        [ItemStatus.AwaitingScrap] = ItemStatus.Scrapped,
    }.ToFrozenDictionary();

    public static bool IsTerminal(ItemStatus status) => Terminal.Contains(status);

    /// <summary>The status an item takes once it reaches the zone its disposition sends it to.</summary>
    public static ItemStatus PutAwayStatus(Disposition disposition) => disposition switch
    {
        Disposition.Restock => ItemStatus.Stored,
        Disposition.Refurbish => ItemStatus.InRepair,
        Disposition.ReturnToVendor => ItemStatus.AwaitingVendor,
        Disposition.Liquidate => ItemStatus.AwaitingLiquidation,
        Disposition.Recycle => ItemStatus.AwaitingRecycling,
        Disposition.Scrap => ItemStatus.AwaitingScrap,
        _ => throw new ArgumentOutOfRangeException(nameof(disposition), disposition, "Unknown disposition."),
    };

    /// <summary>Decides without throwing. <paramref name="disposition"/> is needed only for <see cref="ItemTrigger.PutAway"/>.</summary>
    public static LifecycleDecision Decide(LifecyclePosition position, ItemTrigger trigger, Disposition? disposition = null)
    {
        ArgumentNullException.ThrowIfNull(position);
        var status = position.Status;
        if (IsTerminal(status))
        {
            return LifecycleDecision.Reject($"the item is {status}: its life has ended");
        }

        return trigger switch
        {
            ItemTrigger.Receive => status == ItemStatus.Expected
                ? Move(position, ItemStatus.Received)
                : LifecycleDecision.Reject(status == ItemStatus.Received ? "the item has already been received" : $"an item that is {status} cannot be received"),
            ItemTrigger.StartInspection => Only(position, ItemStatus.AwaitingInspection, "start inspection", ItemStatus.Received),
            ItemTrigger.Grade => Only(position, ItemStatus.Graded, "be graded", ItemStatus.Received, ItemStatus.AwaitingInspection, ItemStatus.Graded),
            ItemTrigger.Disposition => Only(position, ItemStatus.Dispositioned, "be given a disposition", ItemStatus.Graded, ItemStatus.Dispositioned),
            ItemTrigger.PutAway => disposition is null
                ? LifecycleDecision.Reject("the item has no disposition to put it away for")
                : Only(position, PutAwayStatus(disposition.Value), "be put away", ItemStatus.Dispositioned),
            ItemTrigger.Complete => Completion.TryGetValue(status, out var done)
                ? Move(position, done)
                : LifecycleDecision.Reject($"an item that is {status} has no route to finish"),
            ItemTrigger.Hold => status == ItemStatus.OnHold
                ? LifecycleDecision.Reject("the item is already on hold")
                : LifecycleDecision.To(position with { Status = ItemStatus.OnHold, BeforeHold = status }),
            ItemTrigger.Release => status == ItemStatus.OnHold && position.BeforeHold is { } resume
                ? LifecycleDecision.To(position with { Status = resume, BeforeHold = null })
                : LifecycleDecision.Reject($"an item that is {status} is not on hold"),
            ItemTrigger.StageForTransfer => Stageable.Contains(status)
                ? LifecycleDecision.To(position)
                : LifecycleDecision.Reject($"an item that is {status} cannot be staged for a transfer"),
            ItemTrigger.Depart => Stageable.Contains(status)
                ? LifecycleDecision.To(position with { Status = ItemStatus.InTransit, BeforeAway = status })
                : LifecycleDecision.Reject($"an item that is {status} cannot depart on a transfer"),
            ItemTrigger.Arrive => Arrive(position),
            ItemTrigger.MarkMissing => status is ItemStatus.Expected or ItemStatus.Missing
                ? LifecycleDecision.Reject(status == ItemStatus.Missing ? "the item is already missing" : "an expected item has not arrived yet, so it cannot be missing")
                : LifecycleDecision.To(position with
                {
                    Status = ItemStatus.Missing,

                    // Missing in transit: come back to where the item was before it left, not to "in transit".
                    BeforeAway = status == ItemStatus.InTransit ? position.BeforeAway : status,
                }),
            ItemTrigger.Found => status == ItemStatus.Missing && position.BeforeAway is { } back
                ? LifecycleDecision.To(position with { Status = back, BeforeAway = null })
                : LifecycleDecision.Reject($"an item that is {status} is not missing"),
            _ => LifecycleDecision.Reject($"unknown trigger {trigger}"),
        };
    }

    /// <summary>Decides and throws a Conflict <see cref="DomainException"/> when the trigger is not allowed.</summary>
    public static LifecyclePosition Apply(string itemId, LifecyclePosition position, ItemTrigger trigger, Disposition? disposition = null)
    {
        var decision = Decide(position, trigger, disposition);
        return decision.Next
            ?? throw DomainException.Conflict("illegal-transition", $"Item {itemId}: cannot {Describe(trigger)}: {decision.Rejection}.");
    }

    public static bool CanApply(LifecyclePosition position, ItemTrigger trigger, Disposition? disposition = null) =>
        Decide(position, trigger, disposition).Allowed;

    private static LifecycleDecision Arrive(LifecyclePosition position) => position.Status switch
    {
        ItemStatus.InTransit or ItemStatus.Missing => LifecycleDecision.To(position with { Status = position.BeforeAway ?? ItemStatus.Received, BeforeAway = null }),

        // The origin gate missed the departure: the item is staged but arrives all the same.
        var s when Stageable.Contains(s) => LifecycleDecision.To(position),
        var s => LifecycleDecision.Reject($"an item that is {s} is not on a transfer"),
    };

    private static LifecycleDecision Move(LifecyclePosition position, ItemStatus next) => LifecycleDecision.To(position with { Status = next });

    private static LifecycleDecision Only(LifecyclePosition position, ItemStatus next, string action, params ItemStatus[] from) =>
        from.Contains(position.Status)
            ? Move(position, next)
            : LifecycleDecision.Reject($"an item that is {position.Status} cannot {action}");

    private static string Describe(ItemTrigger trigger) => trigger switch
    {
        ItemTrigger.Receive => "receive",
        ItemTrigger.StartInspection => "start inspection",
        ItemTrigger.Grade => "grade",
        ItemTrigger.Disposition => "set a disposition",
        ItemTrigger.PutAway => "put away",
        ItemTrigger.Complete => "complete",
        ItemTrigger.Hold => "hold",
        ItemTrigger.Release => "release",
        ItemTrigger.StageForTransfer => "stage for transfer",
        ItemTrigger.Depart => "depart",
        ItemTrigger.Arrive => "arrive",
        ItemTrigger.MarkMissing => "mark missing",
        ItemTrigger.Found => "mark found",
        _ => trigger.ToString(),
    };
}
