using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Regions;

/// <summary>
/// Turns a warehouse's inventory counts into queues per stage against its daily capacity, and names the capability
/// gaps (items waiting for a stage the warehouse cannot do).
/// </summary>
public static class WarehouseBacklogCalculator
{
    public static WarehouseBacklog Compute(WarehouseDefinition warehouse, WarehouseInventory? inventory)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var counts = inventory is null ? new Dictionary<BacklogStage, int>() : CountByStage(inventory);
        var stages = new List<StageBacklog>();
        var gaps = new List<CapabilityGap>();
        foreach (var stage in BacklogStages.All)
        {
            var items = counts.GetValueOrDefault(stage);
            var capacity = BacklogStages.DailyCapacity(warehouse, stage);
            stages.Add(new StageBacklog(stage, items, capacity, capacity > 0 ? (double)items / capacity : null));
            if (items > 0 && capacity == 0)
            {
                var reason = BacklogStages.HasCapability(warehouse, stage)
                    ? $"{warehouse.Code} has no daily {stage} capacity"
                    : $"{warehouse.Code} cannot do {stage}";
                gaps.Add(new CapabilityGap(stage, items, reason));
            }
        }

        return new WarehouseBacklog(warehouse.Code, warehouse.Name, warehouse.Region, warehouse.Capabilities, stages, gaps, inventory?.AsOf);
    }

    /// <summary>
    /// Statuses name most stages directly. A Dispositioned item has not reached its stage's zone yet, so it counts
    /// for the stage its disposition names: the disposition counts beyond the items already in that stage's status,
    /// never more in total than there are Dispositioned items (disposition counts may include items further on).
    /// </summary>
    internal static Dictionary<BacklogStage, int> CountByStage(WarehouseInventory inventory)
    {
        var counts = new Dictionary<BacklogStage, int>();
        foreach (var (status, count) in inventory.ByStatus)
        {
            if (count > 0 && BacklogStages.ForStatus(status) is { } stage)
            {
                counts[stage] = counts.GetValueOrDefault(stage) + count;
            }
        }

        var dispositioned = Math.Max(0, inventory.ByStatus.GetValueOrDefault(ItemStatus.Dispositioned));
        foreach (var disposition in Enum.GetValues<Disposition>())
        {
            if (dispositioned == 0)
            {
                break;
            }

            var stage = BacklogStages.ForDisposition(disposition);
            var alreadyInStage = inventory.ByStatus.Where(kv => BacklogStages.ForStatus(kv.Key) == stage).Sum(kv => kv.Value);
            var pending = Math.Min(dispositioned, Math.Max(0, inventory.ByDisposition.GetValueOrDefault(disposition) - alreadyInStage));
            if (pending > 0)
            {
                counts[stage] = counts.GetValueOrDefault(stage) + pending;
                dispositioned -= pending;
            }
        }

        return counts;
    }
}
