using System.Collections.Concurrent;
using System.Text.Json;
using Orleans.Streams;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Warehouses;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Transfers;

/// <summary>
/// One real host on PostgreSQL (grain state, reminders) for the transfer tests. The site is the sample one except
/// that the BER1->AMS1 lane takes about a second, so an overdue transfer can be seen; hubs pull inventories every
/// second and arrivals settle after a second.
/// </summary>
public sealed class TransferHostFixture : IAsyncLifetime
{
    private readonly string _sitePath = Path.Combine(Path.GetTempPath(), $"site-transfers-{Guid.NewGuid():N}.json");
    private readonly List<StreamSubscriptionHandle<LiveEvent>> _subscriptions = [];

    public PostgresDatabase Database { get; } = new();

    public TrackingHost Host { get; private set; } = null!;

    /// <summary>Every TransferChanged seen, by stream ("warehouse/AMS1", "region/EU", ...).</summary>
    public ConcurrentQueue<(string Stream, TransferChanged Event)> TransferEvents { get; } = new();

    public async Task InitializeAsync()
    {
        var site = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json"));
        site = site with { Lanes = [.. site.Lanes.Select(l => l.From == "BER1" && l.To == "AMS1" ? l with { TransitHours = 0.0003 } : l)] };
        await File.WriteAllTextAsync(_sitePath, JsonSerializer.Serialize(site, SiteLoader.JsonOptions));

        await Database.InitializeAsync();
        Host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Storage:Mode"] = "PostgreSql",
            ["Tracking:PostgreSql:ConnectionString"] = Database.ConnectionString,
            ["Tracking:Site:SeedFile"] = _sitePath,
            ["Tracking:Lifecycle:LocationFlushInterval"] = "00:00:00.050",
            ["Tracking:Regions:RefreshSeconds"] = "1",
            ["Tracking:Transfers:OverdueGraceMinutes"] = "0",
            ["Tracking:Transfers:ArrivalSettleSeconds"] = "1",
            ["Tracking:Transfers:AutoApprove:Enabled"] = "true",
            ["Tracking:Transfers:AutoApprove:MaxItems"] = "2",
        });

        var streams = Host.Services.GetRequiredService<IClusterClient>().GetStreamProvider(LiveStreams.Provider);
        foreach (var (ns, key) in new[] { (LiveStreams.WarehouseNamespace, "AMS1"), (LiveStreams.WarehouseNamespace, "BER1"), (LiveStreams.RegionNamespace, "EU") })
        {
            var name = $"{ns}/{key}";
            _subscriptions.Add(await streams.GetStream<LiveEvent>(StreamId.Create(ns, key)).SubscribeAsync((evt, _) =>
            {
                if (evt is TransferChanged changed)
                {
                    TransferEvents.Enqueue((name, changed));
                }

                return Task.CompletedTask;
            }));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _subscriptions)
        {
            await s.UnsubscribeAsync();
        }

        await Host.DisposeAsync();
        await Database.DisposeAsync();
        File.Delete(_sitePath);
    }
}
