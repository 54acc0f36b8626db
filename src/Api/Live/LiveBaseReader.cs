using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>
/// Reads what the grains know about a warehouse or region, part by part. A part that fails (a grain is down or not
/// deployed) is left null, so the map still shows the rest and heals that part on a later read.
/// </summary>
public sealed partial class LiveBaseReader(IGrainFactory grains, TimeProvider time, ILogger<LiveBaseReader> logger)
{
    public async Task<WarehouseBase> ReadWarehouseAsync(WarehouseDefinition warehouse)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        var readAt = time.GetUtcNow();
        var code = warehouse.Code;
        var inventory = TryAsync(code, "inventory", () => grains.Reference<IWarehouseGrain>(code).GetInventoryAsync());
        var gates = AllAsync(code, "gates", warehouse.Layout.Readers.Select(r => (Func<Task<GateStatus>>)(() => grains.Reference<IRfidGateGrain>(r.ReaderId).GetStatusAsync())));
        var agvs = AllAsync(code, "agvs", warehouse.Layout.Agvs.Select(a => (Func<Task<AgvSnapshot>>)(() => grains.Reference<IAgvGrain>(a.AgvId).GetAsync())));
        var tasks = TryAsync(code, "tasks", () => grains.Reference<ITransportDispatcherGrain>(code).GetTasksAsync());
        var alerts = TryAsync(code, "alerts", () => grains.Reference<IAlertsGrain>(code).GetOpenAsync());
        await Task.WhenAll(inventory, gates, agvs, tasks, alerts);
        return new WarehouseBase(readAt, await inventory, await gates, await agvs, await tasks, await alerts);
    }

    public async Task<RegionBase> ReadRegionAsync(string region, IEnumerable<WarehouseDefinition> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var readAt = time.GetUtcNow();
        // The hub's index of the region's transfers: a feed that starts hears only of transfers that change from then on.
        var transfers = TryAsync(region, "transfers", () => grains.Reference<IRegionalHubGrain>(region).GetTransfersAsync());
        var summaries = await Task.WhenAll(members.Select(async m =>
        {
            var inventory = await TryAsync(m.Code, "inventory", () => grains.Reference<IWarehouseGrain>(m.Code).GetInventoryAsync());
            var alerts = await TryAsync(m.Code, "alerts", () => grains.Reference<IAlertsGrain>(m.Code).GetOpenAsync());
            return inventory is null && alerts is null
                ? null
                : new WarehouseSummary(m.Code, inventory?.ByStatus ?? new Dictionary<ItemStatus, int>(), alerts?.Count ?? 0);
        }));
        var read = summaries.OfType<WarehouseSummary>().ToList();
        return new RegionBase(readAt, read.Count == 0 ? null : read, await transfers);
    }

    private async Task<T?> TryAsync<T>(string warehouse, string part, Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LiveMetrics.BaseReadFailures.Add(1, new KeyValuePair<string, object?>("part", part));
            LogPartFailed(logger, part, warehouse, ex.Message);
            return null;
        }
    }

    private async Task<IReadOnlyList<T>?> AllAsync<T>(string warehouse, string part, IEnumerable<Func<Task<T>>> reads)
        where T : class
    {
        var results = await Task.WhenAll(reads.Select(r => TryAsync(warehouse, part, r)));
        var found = results.OfType<T>().ToList();
        return found.Count == 0 && results.Length > 0 ? null : found;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live map of {Warehouse}: could not read {Part} ({Reason}); keeping what the map has")]
    private static partial void LogPartFailed(ILogger logger, string part, string warehouse, string reason);
}
