using System.Text.Json.Nodes;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Warehouses;

/// <summary>
/// The inspection SLA with a site whose AMS1 promises inspection within about a second: the queue flags the item
/// overdue and an SlaOverdue alert is raised through the alerts grain, then cleared once the item is graded.
/// </summary>
public sealed class InspectionSlaTests : IAsyncLifetime
{
    private readonly string _seed = Path.Combine(Path.GetTempPath(), $"site-sla-{Guid.NewGuid():N}.json");
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        var site = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json")))!;
        foreach (var warehouse in site["warehouses"]!.AsArray())
        {
            if (warehouse!["code"]!.GetValue<string>() == "AMS1")
            {
                warehouse["inspectionSlaHours"] = 0.0003;
            }
        }

        await File.WriteAllTextAsync(_seed, site.ToJsonString());
        _host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Site:SeedFile"] = _seed,
            ["Tracking:Lifecycle:LocationFlushInterval"] = "00:00:00.050",
            ["Tracking:Lifecycle:SlaCheckInterval"] = "00:00:00.200",
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        File.Delete(_seed);
    }

    [Fact]
    public async Task An_item_waiting_past_the_sla_is_flagged_overdue_and_alerted_until_it_is_graded()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-SLA-1");
        var warehouse = _host.Grains.GetGrain<IWarehouseGrain>("AMS1");
        var alerts = _host.Grains.GetGrain<IAlertsGrain>("AMS1");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op")));

        var queue = await Eventually(() => warehouse.GetInspectionQueueAsync(), q => q.Any(e => e.ItemId == "LP-SLA-1" && e.Overdue));
        Assert.True(queue.Single(e => e.ItemId == "LP-SLA-1").Overdue);
        var open = await Eventually(alerts.GetOpenAsync, a => a.Any(x => x.AlertId == "sla-overdue:LP-SLA-1"));
        var alert = open.Single(x => x.AlertId == "sla-overdue:LP-SLA-1");
        Assert.Equal((AlertKind.SlaOverdue, "LP-SLA-1", "AMS1"), (alert.Kind, alert.SubjectId, alert.Warehouse));

        await item.GradeAsync(new GradeItem(Grade.B, Actor.User("inspector")));

        Assert.DoesNotContain(await Eventually(() => warehouse.GetInspectionQueueAsync(), q => q.All(e => e.ItemId != "LP-SLA-1")), e => e.ItemId == "LP-SLA-1");
        Assert.DoesNotContain(await Eventually(alerts.GetOpenAsync, a => a.All(x => x.AlertId != "sla-overdue:LP-SLA-1")), x => x.AlertId == "sla-overdue:LP-SLA-1");
    }

    [Fact]
    public async Task An_sla_alert_raised_before_a_restart_is_cleared_once_its_item_is_no_longer_waiting()
    {
        var alerts = _host.Grains.GetGrain<IAlertsGrain>("AMS1");

        // Left open by a warehouse activation that ended (a restart) after the item was graded: nobody waits for it now.
        await alerts.RaiseAsync(new Alert("sla-overdue:LP-SLA-GONE", "AMS1", AlertKind.SlaOverdue, AlertSeverity.Warning,
            "Item LP-SLA-GONE has waited for inspection.", "LP-SLA-GONE", DateTimeOffset.UtcNow));
        await _host.Grains.GetGrain<IWarehouseGrain>("AMS1").GetInventoryAsync();

        Assert.DoesNotContain(await Eventually(alerts.GetOpenAsync, a => a.All(x => x.AlertId != "sla-overdue:LP-SLA-GONE")), x => x.AlertId == "sla-overdue:LP-SLA-GONE");
    }

    [Fact]
    public async Task An_unknown_tag_at_a_dock_is_kept_as_an_unexpected_item_and_alerted()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("E2801160600002040A4E1B3C");

        var seen = await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-02", "AMS1-GATE-IN", DateTimeOffset.UtcNow));

        Assert.Equal((ItemStatus.Received, true, "DOCK-IN-02"), (seen.Status, seen.Unexpected, seen.Location));
        var open = await alerts().GetOpenAsync();
        Assert.Contains(open, a => a.AlertId == "unexpected-tag:E2801160600002040A4E1B3C" && a.Kind == AlertKind.UnexpectedTag);
        var queue = await Eventually(() => _host.Grains.GetGrain<IWarehouseGrain>("AMS1").GetInspectionQueueAsync(), q => q.Any(e => e.ItemId == seen.ItemId));
        Assert.True(queue.Single(e => e.ItemId == seen.ItemId).Unexpected);

        IAlertsGrain alerts() => _host.Grains.GetGrain<IAlertsGrain>("AMS1");
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
