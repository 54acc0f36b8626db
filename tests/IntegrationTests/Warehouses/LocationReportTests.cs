using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Warehouses;

/// <summary>
/// A location reports its counts to its warehouse every 250 ms but stores its version only every couple of seconds, so
/// after a crash it comes back with a lower version than it last reported: the warehouse takes the new activation's
/// reports anyway.
/// </summary>
public sealed class LocationReportTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_location_back_from_a_crash_with_a_lower_version_is_counted_again()
    {
        // Reports are one-way calls: each step waits until the warehouse shows it. A location code of its own, so the
        // real location grains (reporting zeros when the warehouse activates) do not mix in.
        var warehouse = _host.Grains.GetGrain<IWarehouseGrain>("BER1");
        await warehouse.ReportAsync(Summary(count: 5, version: 120, Guid.NewGuid()));
        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(warehouse) == 5), "the first report never counted");

        await warehouse.ReportAsync(Summary(count: 2, version: 101, Guid.NewGuid()));

        Assert.True(await Eventually.HoldsAsync(async () => await CountAsync(warehouse) == 2), $"still {await CountAsync(warehouse)} after the new activation's report");
    }

    private static async Task<int> CountAsync(IWarehouseGrain warehouse) =>
        (await warehouse.GetInventoryAsync()).ByStatus.GetValueOrDefault(ItemStatus.AwaitingInspection);

    private static LocationSummary Summary(int count, long version, Guid activation) => new(
        "BER1", "TEST-INSP-99", ZoneType.Inspection, 40, count, 0,
        new Dictionary<ItemStatus, int> { [ItemStatus.AwaitingInspection] = count },
        new Dictionary<Grade, int>(), new Dictionary<Disposition, int>(), version, DateTimeOffset.UtcNow, activation);
}
