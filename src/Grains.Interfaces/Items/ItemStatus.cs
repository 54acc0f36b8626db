namespace Tracking.Grains.Interfaces.Items;

/// <summary>Where a returned item is in its life (DESIGN.md §2). The rules live in Grains/Items/ItemLifecycle.cs.</summary>
public enum ItemStatus
{
    Expected,
    Received,
    AwaitingInspection,
    Graded,
    Dispositioned,
    Stored,
    InRepair,
    AwaitingVendor,
    AwaitingLiquidation,
    AwaitingRecycling,
    AwaitingScrap,
    Restocked,
    ReturnedToVendor,
    Liquidated,
    Recycled,
    Scrapped,
    InTransit,
    OnHold,
    Missing,
}
