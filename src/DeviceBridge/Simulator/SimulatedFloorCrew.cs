using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>
/// SIMULATED people for the demo: one inspector per warehouse who takes items from the inspection queue, grades them
/// and applies the warehouse's disposition rules, through the same grain calls as <c>POST /api/items/{id}/grade</c> and
/// <c>/disposition</c>, as user <c>sim-inspector</c>. Dispositions ask the dispatcher for moves, so the simulated AGVs
/// get VDA 5050 orders. Off unless <c>Tracking:Simulator:FloorCrew</c> is on (it is with the simulator).
/// </summary>
public sealed partial class SimulatedFloorCrew(
    SiteCatalog catalog,
    IGrainFactory grains,
    IOptions<SimulatorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<SimulatedFloorCrew> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        LogStarting(logger, catalog.Warehouses.Count(), options.Value.InspectionSeconds);
        var seed = options.Value.Seed ?? Random.Shared.Next();
        await Task.WhenAll(catalog.Warehouses.Select((w, i) => RunInspectorAsync(w.Code, new Random(seed + 1000 + i), stoppingToken)));
    }

    private async Task RunInspectorAsync(string warehouse, Random random, CancellationToken stoppingToken)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var sinceReset = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(FloorCrewPolicy.NextInspection(random, options.Value.InspectionSeconds), stoppingToken);
                if (++sinceReset >= 50)
                {
                    // Give items that failed once another chance now and then.
                    failed.Clear();
                    sinceReset = 0;
                }

                string? current = null;
                try
                {
                    var queue = await grains.Reference<IWarehouseGrain>(warehouse).GetInspectionQueueAsync();
                    if (FloorCrewPolicy.Pick(queue, failed) is not { } entry)
                    {
                        continue;
                    }

                    current = entry.ItemId;
                    var item = grains.Reference<IReturnedItemGrain>(entry.ItemId);
                    var graded = await item.GradeAsync(FloorCrewPolicy.Inspect(random));
                    var done = await item.DispositionAsync(new DispositionItem(FloorCrewPolicy.Inspector));
                    LogInspected(logger, warehouse, entry.ItemId, graded.Grade?.ToString() ?? "?", done.Disposition?.ToString() ?? "?", done.Target?.Location ?? "-");
                }
                catch (DomainException ex)
                {
                    // The item moved on (someone else graded it, it left): not this crew's business any more.
                    failed.Add(current ?? "");
                    LogSkipped(logger, warehouse, ex.Message);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex, warehouse);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIMULATED floor crew on: one inspector per warehouse ({Warehouses}), an item every ~{Seconds} s, as user sim-inspector")]
    private static partial void LogStarting(ILogger logger, int warehouses, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated inspector {Warehouse}: {ItemId} graded {Grade}, disposition {Disposition} -> {Target}")]
    private static partial void LogInspected(ILogger logger, string warehouse, string itemId, string grade, string disposition, string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated inspector {Warehouse} skipped an item: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string warehouse, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated inspector {Warehouse} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string warehouse);
}
