using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Regions;

/// <summary>Which stage an item queues for, and what a warehouse can do per stage.</summary>
public static class BacklogStages
{
    public static readonly IReadOnlyList<BacklogStage> All = Enum.GetValues<BacklogStage>();

    /// <summary>The stage an item in this status is waiting for; null when it waits for none (done, moving, held, lost).</summary>
    public static BacklogStage? ForStatus(ItemStatus status) => status switch
    {
        ItemStatus.Received or ItemStatus.AwaitingInspection or ItemStatus.Graded => BacklogStage.Inspection,
        ItemStatus.InRepair => BacklogStage.Refurbish,
        ItemStatus.AwaitingVendor => BacklogStage.VendorReturn,
        ItemStatus.AwaitingLiquidation => BacklogStage.Liquidation,
        ItemStatus.AwaitingRecycling => BacklogStage.Recycle,
        ItemStatus.AwaitingScrap => BacklogStage.Scrap,
        ItemStatus.Stored => BacklogStage.Restock,
        _ => null,
    };

    /// <summary>A dispositioned item waits for the stage its disposition names.</summary>
    public static BacklogStage ForDisposition(Disposition disposition) => disposition switch
    {
        Disposition.Restock => BacklogStage.Restock,
        Disposition.Refurbish => BacklogStage.Refurbish,
        Disposition.ReturnToVendor => BacklogStage.VendorReturn,
        Disposition.Liquidate => BacklogStage.Liquidation,
        Disposition.Recycle => BacklogStage.Recycle,
        Disposition.Scrap => BacklogStage.Scrap,
        _ => throw new ArgumentOutOfRangeException(nameof(disposition), disposition, "Unknown disposition"),
    };

    /// <summary>Items the warehouse processes a day for the stage; 0 when it lacks the capability or the capacity.</summary>
    public static int DailyCapacity(WarehouseDefinition warehouse, BacklogStage stage)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        if (!HasCapability(warehouse, stage))
        {
            return 0;
        }

        foreach (var (name, capacity) in warehouse.DailyCapacity)
        {
            if (string.Equals(name, stage.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return Math.Max(0, capacity);
            }
        }

        return 0;
    }

    public static bool HasCapability(WarehouseDefinition warehouse, BacklogStage stage)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        return warehouse.Capabilities.Contains(stage.ToString(), StringComparer.OrdinalIgnoreCase);
    }
}
