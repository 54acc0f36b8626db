using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Warehouses;

public sealed class SiteLoaderTests
{
    private static readonly string SamplePath = Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json");

    [Fact]
    public void The_sample_site_has_two_regions_and_four_warehouses_with_gates_and_agvs()
    {
        var site = SiteLoader.Load(SamplePath);

        Assert.Equal(2, site.Regions.Count);
        Assert.Equal(4, site.Warehouses.Count);
        Assert.All(site.Warehouses, w =>
        {
            Assert.NotEmpty(w.Layout.Readers);
            Assert.NotEmpty(w.Layout.Agvs);
            Assert.Contains(w.Layout.Locations, l => l.Type == ZoneType.Dock);
        });
    }

    [Fact]
    public void The_catalog_finds_a_reader_its_warehouse_and_the_location_of_each_antenna()
    {
        var catalog = new SiteCatalog(SiteLoader.Load(SamplePath));

        var found = catalog.FindReader("AMS1-GATE-IN");

        Assert.NotNull(found);
        Assert.Equal("AMS1", found.Value.Warehouse.Code);
        Assert.Equal(GateKind.DockIn, found.Value.Reader.Kind);
        Assert.All(found.Value.Reader.Antennas, a => Assert.NotNull(catalog.FindLocation("AMS1", a.Location)));
        Assert.Null(catalog.FindReader("NO-SUCH-READER"));
    }

    [Fact]
    public void Readers_and_locations_are_found_in_any_letter_case_and_only_whole()
    {
        var catalog = new SiteCatalog(SiteLoader.Load(SamplePath));
        var location = catalog.FindReader("AMS1-GATE-IN")!.Value.Reader.Antennas[0].Location;

        Assert.Equal("AMS1-GATE-IN", catalog.FindReader("tracking/ams1-gate-in/x".AsSpan(9, 12))?.Reader.ReaderId);
        Assert.Equal(location, catalog.FindLocation("ams1", location.ToLowerInvariant())?.Code);
        Assert.Null(catalog.FindLocation("AMS", "1/" + location));
        Assert.Null(catalog.FindLocation("AMS1", location + "X"));
        Assert.Null(catalog.FindLocation("AMS1", new string('A', 300)));
    }

    [Fact]
    public void A_site_with_dangling_references_is_rejected_with_every_problem_named()
    {
        var layout = new WarehouseLayout(10, 10, [], [new LocationDefinition("L1", "NOZONE", ZoneType.Dock, 0, new MapRect(0, 0, 1, 1))],
            [new ReaderDefinition("R1", GateKind.DockIn, [new AntennaDefinition(1, "MISSING")], 0, 0)], [], []);
        var site = new SiteDefinition(
            [new RegionDefinition("EU", "Europe", "NOPE")],
            [new WarehouseDefinition("W1", "W1", "XX", [], new Dictionary<string, int>(), layout)],
            [new LaneDefinition("W1", "W9", 1, 1, 1)]);

        var problems = SiteLoader.Validate(site);

        Assert.Contains(problems, p => p.Contains("unknown region 'XX'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown zone 'NOZONE'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("positive capacity", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown location 'MISSING'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown hub warehouse 'NOPE'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("lane W1->W9", StringComparison.Ordinal));
    }
}
