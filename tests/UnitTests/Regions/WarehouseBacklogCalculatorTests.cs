using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Regions;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Regions;

public sealed class WarehouseBacklogCalculatorTests
{
    private static readonly SiteCatalog Site = new(SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json")));

    private static WarehouseInventory Inventory(string warehouse, Dictionary<ItemStatus, int> byStatus, Dictionary<Disposition, int>? byDisposition = null) =>
        new(warehouse, byStatus, new Dictionary<Grade, int>(), byDisposition ?? [], [], DateTimeOffset.UnixEpoch);

    [Fact]
    public void Items_queue_for_the_stage_their_status_waits_for_against_the_daily_capacity()
    {
        var backlog = WarehouseBacklogCalculator.Compute(Site.FindWarehouse("AMS1")!, Inventory("AMS1", new()
        {
            [ItemStatus.Received] = 100,
            [ItemStatus.AwaitingInspection] = 500,
            [ItemStatus.Graded] = 200,
            [ItemStatus.InRepair] = 120,
            [ItemStatus.AwaitingVendor] = 30,
            [ItemStatus.Restocked] = 9999,
            [ItemStatus.InTransit] = 50,
        }));

        var inspection = backlog.Stage(BacklogStage.Inspection)!;
        Assert.Equal((800, 800, 1.0), (inspection.Items, inspection.DailyCapacity, inspection.BacklogDays!.Value));
        Assert.Equal(0.5, backlog.Stage(BacklogStage.Refurbish)!.BacklogDays);
        Assert.Equal(0.1, backlog.Stage(BacklogStage.VendorReturn)!.BacklogDays);
        Assert.Equal(0, backlog.Stage(BacklogStage.Restock)!.Items);
        Assert.Empty(backlog.CapabilityGaps);
        Assert.Equal(DateTimeOffset.UnixEpoch, backlog.InventoryAsOf);
    }

    [Fact]
    public void Items_dispositioned_to_refurbish_where_nobody_refurbishes_are_a_capability_gap()
    {
        var backlog = WarehouseBacklogCalculator.Compute(Site.FindWarehouse("BER1")!, Inventory(
            "BER1",
            new() { [ItemStatus.Dispositioned] = 40, [ItemStatus.AwaitingLiquidation] = 10 },
            new() { [Disposition.Refurbish] = 25, [Disposition.Liquidate] = 25 }));

        var refurbish = backlog.Stage(BacklogStage.Refurbish)!;
        Assert.Equal(25, refurbish.Items);
        Assert.Equal(0, refurbish.DailyCapacity);
        Assert.Null(refurbish.BacklogDays);

        // 25 liquidate dispositions, 10 already awaiting liquidation: 15 dispositioned still on their way there.
        Assert.Equal(25, backlog.Stage(BacklogStage.Liquidation)!.Items);
        var gap = Assert.Single(backlog.CapabilityGaps);
        Assert.Equal((BacklogStage.Refurbish, 25), (gap.Stage, gap.Items));
        Assert.Contains("BER1 cannot do Refurbish", gap.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispositioned_items_are_never_counted_more_than_once()
    {
        var counts = WarehouseBacklogCalculator.CountByStage(Inventory(
            "AMS1",
            new() { [ItemStatus.Dispositioned] = 5 },
            new() { [Disposition.Restock] = 400, [Disposition.Scrap] = 300 }));

        Assert.Equal(5, counts.Values.Sum());
    }

    [Fact]
    public void A_warehouse_whose_inventory_was_not_read_yet_shows_empty_queues_and_no_timestamp()
    {
        var backlog = WarehouseBacklogCalculator.Compute(Site.FindWarehouse("CHI1")!, null);

        Assert.All(backlog.Stages, s => Assert.Equal(0, s.Items));
        Assert.Null(backlog.InventoryAsOf);
    }
}
