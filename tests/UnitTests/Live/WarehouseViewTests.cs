using Tracking.Api.Live;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Live;

public sealed class WarehouseViewTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AgvInterval = TimeSpan.FromMilliseconds(250);

    private static WarehouseDefinition Ams1 { get; } =
        SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json")).Warehouses.Single(w => w.Code == "AMS1");

    private static WarehouseView NewView() => new(Ams1, "epoch-1", AgvInterval);

    private static ItemChanged Item(string id, string? from, string? to, ItemStatus? before, ItemStatus after, DateTimeOffset at) =>
        new("AMS1", at, id, "SKU", before, after, from, to, "moved");

    private static AgvSnapshot Agv(double x, AgvAvailability availability = AgvAvailability.Executing, DateTimeOffset? at = null) =>
        new("acme/AMS1-AGV-01", "AMS1", x, 5, 0, 90, false, availability, "ONLINE", null, null, [], at ?? T0, null);

    [Fact]
    public void A_move_between_locations_updates_both_zones_and_the_next_delta_carries_absolute_counts()
    {
        var view = NewView();
        view.Apply(Item("E1", null, "AMS1/DOCK-IN-01", ItemStatus.Expected, ItemStatus.Received, T0));
        var first = view.Flush(T0)!;
        view.Apply(Item("E1", "AMS1/DOCK-IN-01", "INSP-01", ItemStatus.Received, ItemStatus.AwaitingInspection, T0.AddSeconds(1)));
        var second = view.Flush(T0.AddSeconds(1))!;

        Assert.Equal(1, first.Seq);
        Assert.Equal(2, second.Seq);
        Assert.Equal(1, first.Zones.Single(z => z.Code == "DOCK-IN").Count);
        Assert.Equal(0, second.Zones.Single(z => z.Code == "DOCK-IN").Count);
        Assert.Equal(1, second.Zones.Single(z => z.Code == "INSP").ByStatus[ItemStatus.AwaitingInspection]);
        Assert.Equal(0, second.Totals![ItemStatus.Received]);
        Assert.Equal("DOCK-IN-01", second.Moves.Single().From);
    }

    [Fact]
    public void Gate_reads_alone_may_wait_for_company_but_an_item_change_may_not()
    {
        var view = NewView();
        Assert.False(view.OnlyGateReadsPending);

        view.Apply(new GateActivity("AMS1", T0, "AMS1-GATE-IN", 1, 3, "E1"));
        Assert.True(view.HasPending);
        Assert.True(view.OnlyGateReadsPending);

        view.Apply(Item("E1", null, "AMS1/DOCK-IN-01", ItemStatus.Expected, ItemStatus.Received, T0));
        Assert.False(view.OnlyGateReadsPending);

        var delta = view.Flush(T0)!;
        Assert.Equal("E1", delta.GateReads.Single().LastEpc);
        Assert.Equal("E1", delta.Moves.Single().ItemId);
        Assert.False(view.OnlyGateReadsPending);
    }

    [Fact]
    public void Nothing_to_send_produces_no_delta_and_no_number()
    {
        var view = NewView();
        Assert.Null(view.Flush(T0));
        view.Apply(Item("E1", null, "OTHER/X-01", ItemStatus.Expected, ItemStatus.Expected, T0));
        view.Flush(T0);
        Assert.Null(view.Flush(T0));
        Assert.Equal(1, view.Seq);
    }

    [Fact]
    public void A_snapshot_plus_the_deltas_after_it_equals_the_live_state()
    {
        var view = NewView();
        view.Apply(Item("E1", null, "DOCK-IN-01", null, ItemStatus.Received, T0));
        view.Flush(T0);
        view.Apply(Item("E2", null, "DOCK-IN-01", null, ItemStatus.Received, T0));
        var snapshot = view.Snapshot(T0);
        view.Apply(Item("E3", null, "DOCK-IN-01", null, ItemStatus.Received, T0));
        var delta = view.Flush(T0)!;

        Assert.Equal(1, snapshot.Seq);
        Assert.Equal(2, snapshot.Locations.Single(l => l.Code == "DOCK-IN-01").Count);
        Assert.Equal(snapshot.Seq + 1, delta.Seq);
        Assert.Equal(3, delta.Locations.Single(l => l.Code == "DOCK-IN-01").Count);
        Assert.Equal(3, view.Snapshot(T0).Locations.Single(l => l.Code == "DOCK-IN-01").Count);
    }

    [Fact]
    public void An_agv_that_only_moves_is_sent_at_most_once_per_interval_but_a_state_change_goes_at_once()
    {
        var view = NewView();
        view.Apply(new AgvChanged("AMS1", T0, Agv(1)));
        Assert.Single(view.Flush(T0)!.Agvs);

        view.Apply(new AgvChanged("AMS1", T0, Agv(2)));
        view.Apply(new AgvChanged("AMS1", T0, Agv(3)));
        Assert.Null(view.Flush(T0.AddMilliseconds(100)));
        Assert.True(view.HasPending);
        Assert.Equal(3, view.Flush(T0.AddMilliseconds(260))!.Agvs.Single().X);

        view.Apply(new AgvChanged("AMS1", T0, Agv(4, AgvAvailability.Error)));
        Assert.Equal(AgvAvailability.Error, view.Flush(T0.AddMilliseconds(270))!.Agvs.Single().Availability);
    }

    [Fact]
    public void An_older_agv_state_does_not_overwrite_a_newer_one()
    {
        var view = NewView();
        view.Apply(new AgvChanged("AMS1", T0, Agv(5, at: T0.AddSeconds(2))));
        view.Apply(new AgvChanged("AMS1", T0, Agv(1, at: T0.AddSeconds(1))));
        Assert.Equal(5, view.Snapshot(T0).Agvs.Single().X);
    }

    [Fact]
    public void A_rebase_heals_counts_from_the_inventory_and_replays_events_newer_than_it()
    {
        var view = NewView();
        // A dropped stream event: the grains know of 4 items in DOCK-IN-02 the view never heard of.
        view.Apply(Item("E9", null, "DOCK-IN-01", null, ItemStatus.Received, T0.AddSeconds(10)));
        view.Flush(T0.AddSeconds(10));
        var inventory = new WarehouseInventory(
            "AMS1",
            new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 4 },
            new Dictionary<Grade, int>(),
            new Dictionary<Disposition, int>(),
            [new LocationCount("AMS1/DOCK-IN-02", ZoneType.Dock, 4, 200, new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 4 })],
            AsOf: T0.AddSeconds(5));

        view.Rebase(new WarehouseBase(T0.AddSeconds(11), inventory, null, null, null, null));
        var delta = view.Flush(T0.AddSeconds(11))!;

        Assert.Equal(4, delta.Locations.Single(l => l.Code == "DOCK-IN-02").Count);
        Assert.DoesNotContain(delta.Locations, l => l.Code == "DOCK-IN-01"); // E9 came after the inventory: still counted
        Assert.Equal(5, delta.Totals![ItemStatus.Received]);
        Assert.Empty(delta.Moves);
        // The replay moved counts only: a joining client still sees E9's move once.
        Assert.Equal(["E9"], view.Snapshot(T0.AddSeconds(11)).RecentMoves.Select(m => m.ItemId));
    }

    [Fact]
    public void A_rebase_replays_for_each_location_what_came_after_that_locations_own_report()
    {
        var view = NewView();
        // Read at T0+12; DOCK-IN-01 last reported at T0+5 (its next report was due), DOCK-IN-02 at T0+11.
        view.Apply(Item("E1", null, "DOCK-IN-01", null, ItemStatus.Received, T0.AddSeconds(8)));  // after DOCK-IN-01's report: not in it
        view.Apply(Item("E2", null, "DOCK-IN-02", null, ItemStatus.Received, T0.AddSeconds(10))); // before DOCK-IN-02's report: in it
        view.Flush(T0.AddSeconds(10));
        var inventory = new WarehouseInventory(
            "AMS1",
            new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 1 },
            new Dictionary<Grade, int>(),
            new Dictionary<Disposition, int>(),
            [
                new LocationCount("AMS1/DOCK-IN-01", ZoneType.Dock, 0, 200, new Dictionary<ItemStatus, int>(), AsOf: T0.AddSeconds(5)),
                new LocationCount("AMS1/DOCK-IN-02", ZoneType.Dock, 1, 200, new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 1 }, AsOf: T0.AddSeconds(11)),
            ],
            AsOf: T0.AddSeconds(12));

        view.Rebase(new WarehouseBase(T0.AddSeconds(12), inventory, null, null, null, null));
        var snapshot = view.Snapshot(T0.AddSeconds(12));

        Assert.Equal(1, snapshot.Locations.Single(l => l.Code == "DOCK-IN-01").Count);
        Assert.Equal(1, snapshot.Locations.Single(l => l.Code == "DOCK-IN-02").Count);
        Assert.Equal(2, snapshot.Totals[ItemStatus.Received]);
    }

    [Fact]
    public void A_rebase_clears_alerts_the_grain_no_longer_has_but_keeps_one_raised_after_the_read()
    {
        var view = NewView();
        var stale = new Alert("a:stale", "AMS1", AlertKind.SilentReader, AlertSeverity.Warning, "stale", null, T0);
        var fresh = new Alert("a:fresh", "AMS1", AlertKind.AgvError, AlertSeverity.Critical, "fresh", null, T0.AddSeconds(3));
        view.Apply(new AlertRaised("AMS1", T0, stale));
        view.Apply(new AlertRaised("AMS1", T0.AddSeconds(3), fresh));
        view.Flush(T0.AddSeconds(3));

        view.Rebase(new WarehouseBase(T0.AddSeconds(2), null, null, null, null, []));
        var delta = view.Flush(T0.AddSeconds(4))!;

        Assert.Equal(["a:stale"], delta.AlertsCleared);
        Assert.Equal(["a:fresh"], view.Snapshot(T0.AddSeconds(4)).Alerts.Select(a => a.AlertId));
    }

    [Fact]
    public void Gate_reads_are_coalesced_per_reader_into_one_flash()
    {
        var view = NewView();
        view.Apply(new GateActivity("AMS1", T0, "AMS1-GATE-IN", 1, 3, "E1"));
        view.Apply(new GateActivity("AMS1", T0, "AMS1-GATE-IN", 2, 5, "E2"));
        view.Apply(new GateActivity("AMS1", T0, "UNKNOWN-READER", 1, 5, "E2"));
        var delta = view.Flush(T0)!;

        var read = Assert.Single(delta.GateReads);
        Assert.Equal(8, read.Reads);
        Assert.Equal("E2", read.LastEpc);
        Assert.Equal(8, delta.Gates.Single().TotalReads);
    }

    [Fact]
    public void A_location_count_never_goes_below_zero_when_a_departure_was_seen_without_its_arrival()
    {
        var view = NewView();
        view.Apply(Item("E1", "DOCK-IN-01", "INSP-01", ItemStatus.Received, ItemStatus.AwaitingInspection, T0));
        var delta = view.Flush(T0)!;
        Assert.Equal(0, delta.Locations.Single(l => l.Code == "DOCK-IN-01").Count);
    }
}
