using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Items;

/// <summary>
/// The part of an item the lifecycle reasons about: its status plus where to return after a hold
/// (<see cref="BeforeHold"/>) or after being away in transit or missing (<see cref="BeforeAway"/>).
/// </summary>
public sealed record LifecyclePosition(ItemStatus Status, ItemStatus? BeforeHold = null, ItemStatus? BeforeAway = null);

/// <summary>The lifecycle's answer: the next position, or why the trigger is not allowed now.</summary>
public sealed record LifecycleDecision(LifecyclePosition? Next, string? Rejection)
{
    public bool Allowed => Next is not null;

    public static LifecycleDecision To(LifecyclePosition next) => new(next, null);

    public static LifecycleDecision Reject(string reason) => new(null, reason);
}
