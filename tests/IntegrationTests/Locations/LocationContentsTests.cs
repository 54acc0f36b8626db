using Orleans.Providers;
using Orleans.Storage;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Locations;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Locations;

/// <summary>
/// A location's contents on PostgreSQL are rows (migration 0012): a write stores the items that changed, the contents
/// survive a restart, and contents stored the old way (one grain-state payload) move to the rows.
/// </summary>
public sealed class LocationContentsTests : IAsyncLifetime
{
    private const string Location = "AMS1/DOCK-IN-01";

    private readonly PostgresDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task A_write_stores_the_items_that_changed_not_the_whole_location()
    {
        await using var host = await StartAsync();
        var location = host.Grains.GetGrain<ILocationGrain>(Location);
        await Task.WhenAll(Enumerable.Range(0, 2_000).Select(i => location.PlaceAsync(Item(i, ItemStatus.Received))));
        Assert.True(await Eventually.HoldsAsync(async () => await RowsAsync() == 2_000), $"2,000 rows expected, found {await RowsAsync()}");

        await location.RemoveAsync(ItemId(8));
        Assert.True(await Eventually.HoldsAsync(async () => await RowsAsync() == 1_999), $"1,999 rows expected, found {await RowsAsync()}");

        // One change on its own as the last write (two changes in a row may be stored together or apart).
        await location.PlaceAsync(Item(7, ItemStatus.Graded));
        Assert.True(await Eventually.HoldsAsync(async () => await _db.ScalarAsync<string>($"SELECT status FROM location_items WHERE item_id = '{ItemId(7)}'") == "Graded"));

        // Every row a write touches carries that write's transaction id, as does the location's header row it rewrites.
        var writtenByLastWrite = await _db.ScalarAsync<long>(
            $"SELECT count(*) FROM location_items i JOIN location_contents c USING (location_id) WHERE c.location_id = '{Location}' AND i.xmin = c.xmin");
        Assert.Equal(1, writtenByLastWrite);
    }

    [Fact]
    public async Task Items_and_reservations_survive_a_silo_restart()
    {
        await using (var first = await StartAsync())
        {
            var location = first.Grains.GetGrain<ILocationGrain>(Location);
            foreach (var i in Enumerable.Range(0, 5))
            {
                await location.PlaceAsync(Item(i, ItemStatus.Received));
            }

            await location.RemoveAsync(ItemId(2));
            Assert.True(await location.TryReserveAsync("RESERVED-1"));
        }

        await using var second = await StartAsync();
        var reloaded = second.Grains.GetGrain<ILocationGrain>(Location);
        var contents = await reloaded.GetContentsAsync();
        Assert.Equal([ItemId(0), ItemId(1), ItemId(3), ItemId(4)], contents.Items);
        var summary = await reloaded.GetSummaryAsync();
        Assert.Equal((4, 1), (summary.Count, summary.Reserved));
        Assert.Equal(4, (await reloaded.GetAwaitingInspectionAsync()).Count);
    }

    [Fact]
    public async Task A_stop_while_a_timed_write_is_in_flight_still_stores_the_last_contents()
    {
        // The persist timer's write hangs until the timer is disposed at deactivation, which cancels it.
        var held = new HeldFirstWriteStore();
        await using (var first = await StartAsync(services => services.AddSingleton<ILocationContentsStore>(sp =>
            held.Around(ActivatorUtilities.CreateInstance<PostgresLocationContentsStore>(sp)))))
        {
            var location = first.Grains.GetGrain<ILocationGrain>(Location);
            await location.PlaceAsync(Item(0, ItemStatus.Received));
            await held.Started.WaitAsync(TimeSpan.FromSeconds(30));
            await location.PlaceAsync(Item(1, ItemStatus.Received));
            Assert.True(await location.TryReserveAsync("RESERVED-1"));
        }

        Assert.True(held.WasCancelled);
        await using var second = await StartAsync();
        var reloaded = second.Grains.GetGrain<ILocationGrain>(Location);
        Assert.Equal([ItemId(0), ItemId(1)], (await reloaded.GetContentsAsync()).Items);
        Assert.Equal(1, (await reloaded.GetSummaryAsync()).Reserved);
    }

    [Fact]
    public async Task Contents_stored_as_one_grain_state_payload_move_to_the_rows_and_the_payload_is_cleared()
    {
        await using var host = await StartAsync();
        var location = host.Grains.GetGrain<ILocationGrain>(Location);
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var payload = new LocationState { Version = 40 };
        payload.Items[ItemId(1)] = Item(1, ItemStatus.Received);
        payload.Items[ItemId(2)] = Item(2, ItemStatus.Graded);
        payload.Reservations.Add("RESERVED-OLD");
        var old = new GrainState<LocationState>(payload);
        await storage.WriteStateAsync("location", location.GetGrainId(), old);

        var contents = await location.GetContentsAsync();

        Assert.Equal([ItemId(1), ItemId(2)], contents.Items);
        Assert.Equal(1, (await location.GetSummaryAsync()).Reserved);
        Assert.True(await Eventually.HoldsAsync(async () => await RowsAsync() == 2));
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var left = new GrainState<LocationState>(new LocationState());
            await storage.ReadStateAsync("location", location.GetGrainId(), left);
            return left.State is null || (left.State.Items.Count == 0 && left.State.Reservations.Count == 0);
        }));
        Assert.Equal(["RESERVED-OLD"], (await _db.ScalarAsync<string[]>($"SELECT reservations FROM location_contents WHERE location_id = '{Location}'"))!);
    }

    [Fact]
    public async Task An_old_payload_left_beside_existing_rows_is_ignored_and_cleared()
    {
        await using var host = await StartAsync();
        var location = host.Grains.GetGrain<ILocationGrain>(Location);
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        await _db.ExecuteAsync($"INSERT INTO location_contents (location_id, version) VALUES ('{Location}', 7)");
        await _db.ExecuteAsync($"INSERT INTO location_items (location_id, item_id, status, priority, unexpected) VALUES ('{Location}', '{ItemId(3)}', 'Received', 0, false)");
        var payload = new LocationState { Version = 5 };
        payload.Items[ItemId(1)] = Item(1, ItemStatus.Received);
        await storage.WriteStateAsync("location", location.GetGrainId(), new GrainState<LocationState>(payload));

        var contents = await location.GetContentsAsync();

        Assert.Equal([ItemId(3)], contents.Items);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            var left = new GrainState<LocationState>(new LocationState());
            await storage.ReadStateAsync("location", location.GetGrainId(), left);
            return left.State is null || left.State.Items.Count == 0;
        }));
    }

    private Task<TrackingHost> StartAsync(Action<IServiceCollection>? configureServices = null)
    {
        var settings = LifecycleHostFixture.Settings(_db.ConnectionString);
        settings["Tracking:Lifecycle:LocationPersistInterval"] = "00:00:00.100";
        return TrackingHost.StartAsync(settings, configureServices);
    }

    private async Task<long> RowsAsync() => await _db.ScalarAsync<long>($"SELECT count(*) FROM location_items WHERE location_id = '{Location}'");

    private static string ItemId(int i) => $"LP-LOC-{i:D5}";

    private static LocationItem Item(int i, ItemStatus status) =>
        new(ItemId(i), "SKU-1", status, status == ItemStatus.Graded ? Grade.B : null, null, 0, DateTimeOffset.UtcNow, false);
}
