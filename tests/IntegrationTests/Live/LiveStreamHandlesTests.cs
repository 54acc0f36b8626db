using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Live;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Live;

public sealed class LiveStreamHandlesTests(LiveHostFixture fixture) : IClassFixture<LiveHostFixture>
{
    private TrackingHost Host => fixture.Host;

    private LiveStreamHandles Handles => Host.Services.GetRequiredService<LiveStreamHandles>();

    [Fact]
    public async Task Each_stream_has_one_handle_for_the_whole_silo_however_many_ask_at_once()
    {
        var warehouse = $"HANDLES-{Guid.NewGuid():N}"[..20];

        var asked = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Handles.WarehouseAsync(warehouse))));

        Assert.All(asked, handle => Assert.Same(asked[0], handle));
        Assert.Same(asked[0], await Handles.WarehouseAsync(warehouse));
        Assert.Equal(LiveStreams.WarehouseNamespace, asked[0].StreamId.GetNamespace());
        Assert.Equal(warehouse, asked[0].StreamId.GetKeyAsString());
        Assert.NotSame(asked[0], await Handles.RegionAsync(warehouse));
        Assert.Equal(LiveStreams.RegionNamespace, (await Handles.RegionAsync(warehouse)).StreamId.GetNamespace());
    }

    [Fact]
    public async Task An_event_published_through_a_handle_reaches_the_warehouses_watchers()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        var snapshot = await client.JoinWarehouseAsync("AMS1");
        var epc = $"30742{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999):D19}";

        await (await Handles.WarehouseAsync("AMS1")).OnNextAsync(LiveEvents.Arrived(epc, "AMS1/DOCK-IN-01"));

        var deltas = await client.WarehouseDeltasUntilAsync(d => d.Moves.Any(m => m.ItemId == epc));
        Assert.True(deltas[^1].Seq > snapshot.Seq);
        Assert.Equal("DOCK-IN-01", deltas[^1].Moves.Single(m => m.ItemId == epc).To);
    }

    [Fact]
    public async Task Items_that_each_publish_from_a_new_activation_all_reach_the_map_through_the_shared_handle()
    {
        await using var client = await LiveTestClient.ConnectAsync(Host);
        await client.JoinWarehouseAsync("AMS1");
        var ids = Enumerable.Range(0, 20).Select(_ => $"LP-HANDLES-{Guid.NewGuid():N}"[..24]).ToList();

        await Task.WhenAll(ids.Select(id => Host.Grains.GetGrain<IReturnedItemGrain>(id)
            .ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("handles-test"), null, "SKU-HANDLES"))));

        var seen = new HashSet<string>();
        await client.WarehouseDeltasUntilAsync(d =>
        {
            seen.UnionWith(d.Moves.Select(m => m.ItemId).Where(ids.Contains));
            return seen.Count == ids.Count;
        });
        Assert.Equal(ids.Order(), seen.Order());
    }
}
