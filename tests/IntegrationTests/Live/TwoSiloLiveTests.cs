using System.Globalization;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

/// <summary>
/// Two silos in one cluster as production runs them (membership, grain state and stream pub-sub in PostgreSQL): each
/// forwards the cluster-wide streams to its own SignalR clients.
/// </summary>
public sealed class TwoSiloLiveTests : IAsyncLifetime
{
    private readonly MigratedDatabase _db = new();
    private TrackingHost _a = null!;
    private TrackingHost _b = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        var settings = new Dictionary<string, string>
        {
            ["Tracking:Cluster:Mode"] = "AdoNet",
            ["Tracking:Storage:Mode"] = "PostgreSql",
            ["Tracking:PostgreSql:ConnectionString"] = _db.ConnectionString,
            ["Tracking:Cluster:ClusterId"] = $"live-{Guid.NewGuid():N}",
        };
        _a = await TrackingHost.StartAsync(settings);
        _b = await TrackingHost.StartAsync(settings);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var management = _a.Grains.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second silo did not join the cluster");
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_client_on_each_silo_sees_events_published_on_the_other_with_its_own_consecutive_numbers()
    {
        await using var onA = await LiveTestClient.ConnectAsync(_a);
        await using var onB = await LiveTestClient.ConnectAsync(_b);
        var snapshotA = await onA.JoinWarehouseAsync("AMS1");
        var snapshotB = await onB.JoinWarehouseAsync("AMS1");
        Assert.NotEqual(snapshotA.Epoch, snapshotB.Epoch); // each silo numbers its own feed

        for (var i = 0; i < 3; i++)
        {
            var from = i % 2 == 0 ? _b : _a;
            await from.PublishAsync(LiveEvents.Arrived($"30742570000000000000000{i.ToString(CultureInfo.InvariantCulture)}", "AMS1/DOCK-IN-02"));
        }

        foreach (var (client, snapshot) in new[] { (onA, snapshotA), (onB, snapshotB) })
        {
            var moves = new HashSet<string>();
            var deltas = (await client.WarehouseDeltasUntilAsync(d =>
            {
                moves.UnionWith(d.Moves.Select(m => m.ItemId));
                return moves.Count == 3;
            })).Where(d => d.Seq > snapshot.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, deltas.Count).Select(i => snapshot.Seq + i), deltas.Select(d => d.Seq));
            Assert.All(deltas, d => Assert.Equal(snapshot.Epoch, d.Epoch));
            var dock = deltas.Last(d => d.Locations.Any(l => l.Code == "DOCK-IN-02")).Locations.Single(l => l.Code == "DOCK-IN-02");
            Assert.Equal(snapshot.Locations.Single(l => l.Code == "DOCK-IN-02").Count + 3, dock.Count);
        }
    }

    [Fact]
    public async Task An_alert_raised_through_the_other_silo_reaches_a_client_and_a_snapshot_from_either_silo_holds_it()
    {
        await using var onA = await LiveTestClient.ConnectAsync(_a);
        await onA.JoinWarehouseAsync("BER1");
        var alert = new Grains.Interfaces.Live.Alert("sla:BER1", "BER1", Grains.Interfaces.Live.AlertKind.SlaOverdue, Grains.Interfaces.Live.AlertSeverity.Warning, "12 items past the inspection SLA", null, DateTimeOffset.UtcNow);

        await _b.Grains.GetGrain<Grains.Interfaces.Live.IAlertsGrain>("BER1").RaiseAsync(alert);

        await onA.WarehouseDeltasUntilAsync(d => d.AlertsRaised.Any(a => a.AlertId == "sla:BER1"));
        await using var onB = await LiveTestClient.ConnectAsync(_b);
        var snapshotB = await onB.JoinWarehouseAsync("BER1");
        Assert.Contains(snapshotB.Alerts, a => a.AlertId == "sla:BER1");
    }
}
