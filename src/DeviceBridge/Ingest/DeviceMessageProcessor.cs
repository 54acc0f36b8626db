using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Drains each lane in rounds: everything waiting is grouped per device, the reads of one reader become one batch for
/// its gate grain, AGV messages go to their grain in order. Devices in a round are called in parallel.
/// </summary>
public sealed partial class DeviceMessageProcessor(
    DeviceLanes lanes,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<DeviceMessageProcessor> logger) : BackgroundService
{
    private const int MaxRound = 2_000;

    private static readonly Counter<long> Failures = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.processing_failures", description: "Device messages whose grain call failed");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need the silo up; messages that arrive earlier wait in the lanes.
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

        await Task.WhenAll(Enumerable.Range(0, lanes.Count).Select(lane => RunLaneAsync(lane, stoppingToken)));
    }

    private async Task RunLaneAsync(int lane, CancellationToken stoppingToken)
    {
        var reader = lanes.Reader(lane);
        var round = new List<DeviceMessage>(MaxRound);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                round.Clear();
                while (round.Count < MaxRound && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                await ProcessRoundAsync(round);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ProcessRoundAsync(List<DeviceMessage> round)
    {
        var work = new List<Task>();
        foreach (var group in round.OfType<RfidMessage>().GroupBy(m => m.ReaderId, StringComparer.OrdinalIgnoreCase))
        {
            var reads = group.SelectMany(m => m.Reads).ToArray();
            work.Add(CallAsync(group.Key, reads.Length, () => grains.GetGrain<IRfidGateGrain>(group.Key).ProcessAsync(new RfidReadBatch(group.Key, reads))));
        }

        foreach (var group in round.Where(m => m is not RfidMessage).GroupBy(m => m.DeviceId, StringComparer.OrdinalIgnoreCase))
        {
            work.Add(ApplyAgvMessagesAsync(group.Key, group.ToArray()));
        }

        await Task.WhenAll(work);
    }

    private async Task ApplyAgvMessagesAsync(string agvId, DeviceMessage[] messages)
    {
        var agv = grains.GetGrain<IAgvGrain>(agvId);
        foreach (var message in messages)
        {
            await CallAsync(agvId, 1, () => message switch
            {
                AgvStateMessage s => agv.ApplyStateAsync(s.Report),
                AgvConnectionMessage c => agv.ApplyConnectionAsync(c.Report),
                _ => Task.CompletedTask,
            });
        }
    }

    private async Task CallAsync(string deviceId, int count, Func<Task> call)
    {
        // One retry covers a grain moving between silos; a second failure is counted and logged, never thrown.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt < 2)
                {
                    await Task.Delay(50);
                    continue;
                }

                Failures.Add(count);
                LogFailed(logger, ex, deviceId, count);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: {Count} message(s)/read(s) could not be delivered to its grain")]
    private static partial void LogFailed(ILogger logger, Exception ex, string deviceId, int count);
}
