using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Regions;

/// <summary>
/// Wakes every region's hub once the silo runs, so inventory pulls and periodic planning start without waiting for
/// the first API call. Calling twice (several silos) is harmless: a hub is one activation in the cluster.
/// </summary>
internal sealed partial class RegionHubStarter(IGrainFactory grains, SiteCatalog site, IHostApplicationLifetime lifetime, ILogger<RegionHubStarter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        foreach (var region in site.Regions)
        {
            try
            {
                await grains.Reference<IRegionalHubGrain>(region.Code).StartAsync().WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStartFailed(logger, ex, region.Code);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Regional hub {Region} did not start; it will start on its first call")]
    private static partial void LogStartFailed(ILogger logger, Exception ex, string region);
}
