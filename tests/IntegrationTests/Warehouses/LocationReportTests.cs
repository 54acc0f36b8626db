using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Warehouses;

/// <summary>
/// A location reports its counts to its warehouse every 250 ms but stores its version only every couple of seconds, so
/// after a crash it comes back with a lower version than it last reported: the warehouse takes the new activation's
/// reports anyway, and within one activation still drops one that arrives out of order.
/// </summary>
public sealed class LocationReportTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_location_back_from_a_crash_with_a_lower_version_is_counted_again()
    {
        var warehouse = _host.Grains.GetGrain<IWarehouseGrain>("BER1");
        var before = Guid.NewGuid();
        await warehouse.ReportAsync(Summary(count: 5, version: 120, before));
        await warehouse.ReportAsync(Summary(count: 4, version: 119, before));
        Assert.Equal(5, await CountAsync(warehouse));

        var after = Guid.NewGuid();
        await warehouse.ReportAsync(Summary(count: 2, version: 101, after));

        Assert.Equal(2, await CountAsync(warehouse));
    }

    private static async Task<int> CountAsync(IWarehouseGrain warehouse) =>
        (await warehouse.GetInventoryAsync()).Locations.Single(l => l.Location == "INSP-01").Count;

    private static LocationSummary Summary(int count, long version, Guid activation) => new(
        "BER1", "INSP-01", ZoneType.Inspection, 40, count, 0,
        new Dictionary<ItemStatus, int> { [ItemStatus.AwaitingInspection] = count },
        new Dictionary<Grade, int>(), new Dictionary<Disposition, int>(), version, DateTimeOffset.UtcNow, activation);
}
