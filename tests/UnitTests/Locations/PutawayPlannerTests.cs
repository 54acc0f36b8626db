using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Locations;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Locations;

public sealed class PutawayPlannerTests
{
    private static readonly WarehouseLayout Layout = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json"))
        .Warehouses.Single(w => w.Code == "AMS1").Layout;

    [Fact]
    public void Candidates_are_the_locations_of_the_zone_type_nearest_first()
    {
        var ranked = PutawayPlanner.Rank(Layout, "INSP-04", ZoneType.Restock);

        Assert.Equal(["RESTOCK-04", "RESTOCK-03", "RESTOCK-02", "RESTOCK-01"], ranked.Select(l => l.Code));
    }

    [Fact]
    public void From_the_other_side_the_order_turns_round()
    {
        Assert.Equal("RESTOCK-01", PutawayPlanner.Rank(Layout, "DOCK-IN-01", ZoneType.Restock)[0].Code);
    }

    [Fact]
    public void A_zone_type_the_warehouse_lacks_has_no_candidates()
    {
        var berlin = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json")).Warehouses.Single(w => w.Code == "BER1").Layout;

        Assert.Empty(PutawayPlanner.Rank(berlin, "INSP-01", ZoneType.Refurbish));
    }
}
