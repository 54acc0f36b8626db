using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Tracking.Api.Live;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Warehouses;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

public sealed class LiveHubTests(LiveHostFixture fixture) : IClassFixture<LiveHostFixture>
{
    private TrackingHost Host => fixture.Host;

    [Fact]
    public async Task Joining_a_warehouse_returns_a_snapshot_of_its_floor_with_open_alerts()
    {
        var alert = new Alert("silent-reader:BER1-GATE-IN", "BER1", AlertKind.SilentReader, AlertSeverity.Warning, "No reads for 5 minutes", "BER1-GATE-IN", DateTimeOffset.UtcNow);
        await Host.Grains.GetGrain<IAlertsGrain>("BER1").RaiseAsync(alert);
        var layout = Host.Services.GetRequiredService<SiteCatalog>().FindWarehouse("BER1")!.Layout;
        await using var client = await LiveTestClient.ConnectAsync(Host, "viewer-key");

        var snapshot = await client.JoinWarehouseAsync("ber1");

        Assert.Equal("BER1", snapshot.Warehouse);
        Assert.False(string.IsNullOrEmpty(snapshot.Epoch));
        Assert.Equal(layout.Zones.Select(z => z.Code), snapshot.Zones.Select(z => z.Code));
        Assert.Equal(layout.Locations.Count, snapshot.Locations.Count);
        Assert.Equal(layout.Readers.Select(r => r.ReaderId).Order(), snapshot.Gates.Select(g => g.ReaderId).Order());
        Assert.Contains(snapshot.Alerts, a => a.AlertId == alert.AlertId && a.Message == alert.Message);
    }

    [Fact]
    public async Task An_item_event_on_the_warehouse_stream_arrives_as_the_next_delta_with_new_counts()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        var snapshot = await client.JoinWarehouseAsync("AMS1");
        var dockBefore = snapshot.Zones.Single(z => z.Code == "DOCK-IN").Count;

        await Host.PublishAsync(LiveEvents.Arrived("3074257BF7194E4000000001", "AMS1/DOCK-IN-01"));

        // Deltas that overtook the snapshot (numbered up to its Seq) are already in it: a client drops them.
        var deltas = (await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == "3074257BF7194E4000000001")))
            .Where(d => d.Seq > snapshot.Seq).ToList();
        var delta = deltas[^1];
        Assert.Equal(snapshot.Epoch, delta.Epoch);
        Assert.Equal(Enumerable.Range(1, deltas.Count).Select(i => snapshot.Seq + i), deltas.Select(d => d.Seq));
        Assert.Equal(dockBefore + 1, delta.Zones.Single(z => z.Code == "DOCK-IN").Count);
        Assert.Equal(1, delta.Zones.Single(z => z.Code == "DOCK-IN").ByStatus[ItemStatus.Received] - snapshot.Zones.Single(z => z.Code == "DOCK-IN").ByStatus.GetValueOrDefault(ItemStatus.Received));
        var move = delta.Moves.Single(m => m.ItemId == "3074257BF7194E4000000001");
        Assert.Equal("DOCK-IN-01", move.To);
        Assert.Null(move.From);
    }

    [Fact]
    public async Task A_burst_of_item_events_arrives_in_consecutive_deltas_whose_absolute_counts_end_at_the_whole_burst()
    {
        const int burst = 300;
        await using var client = await LiveTestClient.ConnectAsync(Host);
        var snapshot = await client.JoinWarehouseAsync("CHI1");
        var dockBefore = snapshot.Zones.Single(z => z.Code == "DOCK-IN").Count;
        var dock01Before = snapshot.Locations.Single(l => l.Code == "DOCK-IN-01").Count;
        var epcs = Enumerable.Range(0, burst).Select(i => $"3074257BF7194E40000B{i:D4}").ToList();

        await Task.WhenAll(epcs.Select(epc => Host.PublishAsync(LiveEvents.Arrived(epc, "CHI1/DOCK-IN-01", "CHI1"))));

        // However the pacing coalesces the burst, the deltas are numbered one after another in one epoch, none carries
        // more moves than the limit, and the last one's absolute counts hold every event.
        var deltas = (await client.WarehouseDeltasUntilAsync(d => d.Zones.Any(z => z.Code == "DOCK-IN" && z.Count == dockBefore + burst), TimeSpan.FromSeconds(30)))
            .Where(d => d.Seq > snapshot.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, deltas.Count).Select(i => snapshot.Seq + i), deltas.Select(d => d.Seq));
        Assert.All(deltas, d => Assert.Equal(snapshot.Epoch, d.Epoch));
        Assert.All(deltas, d => Assert.InRange(d.Moves.Count, 0, WarehouseView.MovesPerDeltaLimit));
        Assert.Equal(dock01Before + burst, deltas[^1].Locations.Single(l => l.Code == "DOCK-IN-01").Count);
        Assert.All(deltas.SelectMany(d => d.Moves), m => Assert.Contains(m.ItemId, epcs));
    }

    [Fact]
    public async Task A_client_that_misses_a_delta_resyncs_from_a_snapshot_that_holds_the_missed_change()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        var first = await client.JoinWarehouseAsync("NYC1");
        var locationBefore = first.Locations.Single(l => l.Code == "DOCK-IN-01").Count;

        // The client "loses" the delta that carries this arrival (as if the network or a dropped message ate it).
        await Host.PublishAsync(LiveEvents.Arrived("E2000000000000000000GAP1", "NYC1/DOCK-IN-01", "NYC1"));
        var lost = (await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == "E2000000000000000000GAP1")))[^1];
        await Host.PublishAsync(LiveEvents.Arrived("E2000000000000000000GAP2", "NYC1/DOCK-IN-01", "NYC1"));
        var next = (await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == "E2000000000000000000GAP2")))[^1];
        Assert.True(next.Seq > lost.Seq, "deltas are numbered in order");

        // Seeing next.Seq after (lost.Seq - 1) is a gap: the client asks for a new snapshot, which holds both arrivals.
        var resync = await client.JoinWarehouseAsync("NYC1");
        Assert.Equal(first.Epoch, resync.Epoch);
        Assert.True(resync.Seq >= next.Seq);
        Assert.Equal(locationBefore + 2, resync.Locations.Single(l => l.Code == "DOCK-IN-01").Count);
        Assert.Contains(resync.RecentMoves, m => m.ItemId == "E2000000000000000000GAP1");

        // And the deltas continue from the resync snapshot's number.
        await Host.PublishAsync(LiveEvents.Arrived("E2000000000000000000GAP3", "NYC1/DOCK-IN-02", "NYC1"));
        var after = (await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == "E2000000000000000000GAP3")))
            .Where(d => d.Seq > resync.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, after.Count).Select(i => resync.Seq + i), after.Select(d => d.Seq));
    }

    [Fact]
    public async Task Raising_and_clearing_an_alert_reaches_watchers_once_per_cause()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        await client.JoinWarehouseAsync("CHI1");
        var alerts = Host.Grains.GetGrain<IAlertsGrain>("CHI1");
        var alert = new Alert("agv-error:acme/CHI1-AGV-01", "CHI1", AlertKind.AgvError, AlertSeverity.Critical, "E-stop pressed", "acme/CHI1-AGV-01", DateTimeOffset.UtcNow);

        await alerts.RaiseAsync(alert);
        await alerts.RaiseAsync(alert with { RaisedAt = DateTimeOffset.UtcNow.AddSeconds(5) });
        var raised = (await client.WarehouseDeltasUntilAsync(d => d.AlertsRaised.Count > 0))[^1];
        await alerts.ClearAsync(alert.AlertId);
        var cleared = (await client.WarehouseDeltasUntilAsync(d => d.AlertsCleared.Contains(alert.AlertId)))[^1];

        Assert.Equal(alert.AlertId, Assert.Single(raised.AlertsRaised).AlertId);
        Assert.True(cleared.Seq > raised.Seq);
        Assert.Empty(await alerts.GetOpenAsync());
    }

    [Fact]
    public async Task An_agv_update_moves_the_agv_in_the_next_delta()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        await client.JoinWarehouseAsync("AMS1");

        await Host.PublishAsync(LiveEvents.AgvAt("acme/AMS1-AGV-02", 21.5, 14.25, taskId: "T-42"));

        var delta = (await client.WarehouseDeltasUntilAsync(d => d.Agvs.Any(a => a.AgvId == "acme/AMS1-AGV-02" && a.X == 21.5)))[^1];
        var agv = delta.Agvs.Single(a => a.AgvId == "acme/AMS1-AGV-02");
        Assert.Equal(14.25, agv.Y);
        Assert.Equal("T-42", agv.TaskId);
    }

    [Fact]
    public async Task A_transfer_on_the_region_stream_reaches_region_watchers()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host, "manager-key");
        var snapshot = await client.JoinRegionAsync("EU");
        Assert.Equal(["AMS1", "BER1"], snapshot.Warehouses.Select(w => w.Code).Order());

        await Host.PublishToRegionAsync("EU", new TransferChanged("AMS1", DateTimeOffset.UtcNow, "TR-1", "AMS1", "BER1", "InTransit", 12, DateTimeOffset.UtcNow.AddHours(6)));

        var delta = (await client.RegionDeltasUntilAsync(d => d.Transfers.Any(t => t.TransferId == "TR-1")))[^1];
        Assert.Equal(snapshot.Seq + 1, delta.Seq);
        Assert.Equal(12, delta.Transfers.Single().ItemCount);
    }

    [Fact]
    public async Task An_unknown_warehouse_is_refused_with_a_clear_error()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        var error = await Assert.ThrowsAsync<HubException>(() => client.JoinWarehouseAsync("XXX9"));
        Assert.Contains("Unknown warehouse 'XXX9'", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public async Task The_hub_rejects_anonymous_callers_and_wrong_keys_and_callers_without_a_view_role()
    {
        var anonymous = await Assert.ThrowsAsync<HttpRequestException>(() => LiveTestClient.ConnectAsync(Host, apiKey: null));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var wrong = await Assert.ThrowsAsync<HttpRequestException>(() => LiveTestClient.ConnectAsync(Host, apiKey: "not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var device = await Assert.ThrowsAsync<HttpRequestException>(() => LiveTestClient.ConnectAsync(Host, apiKey: "device-key"));
        Assert.Equal(HttpStatusCode.Forbidden, device.StatusCode);
    }
}
