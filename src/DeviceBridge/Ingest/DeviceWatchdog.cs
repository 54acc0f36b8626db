using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Asks every registered gate, periodically, whether it has gone silent. A reader that never sends anything would
/// otherwise never activate its grain and never be noticed. Every silo does it; the check is idempotent.
/// </summary>
public sealed partial class DeviceWatchdog(
    SiteCatalog catalog,
    IGrainFactory grains,
    IOptions<MqttOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DeviceWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.2, options.Value.WatchdogIntervalSeconds)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!lifetime.ApplicationStarted.IsCancellationRequested)
                {
                    continue;
                }

                var readers = catalog.Warehouses.SelectMany(w => w.Layout.Readers).Select(r => r.ReaderId);
                await Task.WhenAll(readers.Select(CheckAsync));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task CheckAsync(string readerId)
    {
        try
        {
            await grains.Reference<IRfidGateGrain>(readerId).CheckHealthAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCheckFailed(logger, ex, readerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health check of reader {ReaderId} failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception ex, string readerId);
}
