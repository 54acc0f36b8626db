using Tracking.Api.Live;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.Live;

public sealed class RegionViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static SiteDefinition Site { get; } = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json"));

    private static RegionView NewView() =>
        new(Site.Regions.Single(r => r.Code == "EU"), Site.Warehouses.Where(w => w.Region == "EU"), "epoch-1");

    private static TransferSummary Indexed(string id, TransferStatus status, DateTimeOffset updatedAt, int items = 12) =>
        new(id, "AMS1", "BER1", BacklogStage.Inspection, status, items, items, T0.AddHours(6), updatedAt, 3, null);

    private static RegionBase Base(params TransferSummary[] transfers) => new(T0, null, transfers);

    [Fact]
    public void A_transfer_that_began_before_the_feed_is_in_its_first_snapshot()
    {
        var view = NewView();

        view.Rebase(Base(Indexed("TR-EARLY", TransferStatus.InTransit, T0)));

        var shown = Assert.Single(view.Snapshot(T0.AddSeconds(1)).Transfers);
        Assert.Equal(("TR-EARLY", "InTransit", 12), (shown.TransferId, shown.Status, shown.ItemCount));
    }

    [Fact]
    public void A_transfer_whose_ended_event_was_missed_leaves_at_the_next_rebase()
    {
        var view = NewView();
        view.Apply(new TransferChanged("AMS1", T0, "TR-1", "AMS1", "BER1", "InTransit", 12, null));
        view.Flush(T0);

        view.Rebase(Base(Indexed("TR-1", TransferStatus.Received, T0.AddMinutes(5))));

        Assert.Empty(view.Snapshot(T0.AddMinutes(5)).Transfers);
        Assert.Equal(["TR-1"], view.Flush(T0.AddMinutes(5))!.TransfersEnded);
    }

    [Fact]
    public void The_index_neither_overrides_a_newer_live_event_nor_resends_what_the_view_shows()
    {
        var view = NewView();
        view.Apply(new TransferChanged("AMS1", T0.AddMinutes(2), "TR-2", "AMS1", "BER1", "Arrived", 12, T0.AddHours(6)));
        view.Flush(T0.AddMinutes(2));

        view.Rebase(Base(Indexed("TR-2", TransferStatus.InTransit, T0.AddMinutes(1))));
        Assert.Equal("Arrived", Assert.Single(view.Snapshot(T0.AddMinutes(3)).Transfers).Status);
        Assert.Null(view.Flush(T0.AddMinutes(3)));

        view.Rebase(Base(Indexed("TR-2", TransferStatus.Arrived, T0.AddMinutes(2.5))));
        Assert.Null(view.Flush(T0.AddMinutes(3)));
    }
}
