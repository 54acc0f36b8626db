using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Warehouses;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Locations;

/// <summary>
/// An item that left a location whose removal call failed (a storage time-out at its activation, say) used to stay
/// listed there for good: counted on the map, holding room, waiting in the inspection queue. The item tries again.
/// </summary>
public sealed class LocationProjectionRetryTests : IAsyncLifetime
{
    private readonly FailingRemovals _faults = new(SiteCatalog.LocationId("AMS1", "DOCK-IN-01"), count: 2);
    private TrackingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TrackingHost.StartAsync(configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(_faults));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_location_whose_removal_failed_stops_listing_the_item_that_left_it()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-LEFT-DOCK");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op")));
        var dock = _host.Grains.GetGrain<ILocationGrain>(SiteCatalog.LocationId("AMS1", "DOCK-IN-01"));
        Assert.Contains((await dock.GetContentsAsync()).Items, i => i == "LP-LEFT-DOCK");

        await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-01", Actor.User("op")));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_faults.Failed >= 1)), "the test's fault did not fail the removals");

        Assert.True(await Eventually.HoldsAsync(async () => (await dock.GetContentsAsync()).Items.All(i => i != "LP-LEFT-DOCK")), "the dock still lists the item");
        Assert.Contains((await _host.Grains.GetGrain<ILocationGrain>(SiteCatalog.LocationId("AMS1", "INSP-01")).GetContentsAsync()).Items, i => i == "LP-LEFT-DOCK");
    }

    /// <summary>The first <c>count</c> removals from one location fail, as a storage blip would.</summary>
    private sealed class FailingRemovals(string locationId, int count) : IIncomingGrainCallFilter
    {
        private int _calls;

        public int Failed => Math.Min(count, Volatile.Read(ref _calls));

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(ILocationGrain) && context.MethodName == nameof(ILocationGrain.RemoveAsync)
                && context.TargetId.Key.ToString() == locationId && Interlocked.Increment(ref _calls) <= count)
            {
                throw new InvalidOperationException("location storage unavailable (test fault)");
            }

            await context.Invoke();
        }
    }
}
