using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Drains each lane in rounds: everything waiting is grouped per device, the reads of one reader become one batch for
/// its gate grain, AGV messages go to their grain in order. Devices in a round are called in parallel. Each message's
/// receipt is settled after its grain call, so the broker's acknowledgement follows the grain, not the hand-off.
/// On shutdown it closes the intake and drains every lane into the grains before the host stops the silo (this
/// service is registered after Orleans, and hosted services stop in reverse order), bounded by the host's shutdown
/// timeout; whatever is left then stays unacknowledged and is redelivered by the broker on the next session.
/// </summary>
public sealed partial class DeviceMessageProcessor(
    DeviceLanes lanes,
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    ILogger<DeviceMessageProcessor> logger) : BackgroundService
{
    private const int MaxRound = 2_000;

    private static readonly Counter<long> Failures = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.processing_failures", description: "Device messages whose grain call failed (left unacknowledged for redelivery)");

    private readonly CancellationTokenSource _abort = new();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        lanes.Complete();
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            // Never started: no grain to drain into. The broker keeps the unacknowledged messages.
            await _abort.CancelAsync();
        }

        var queued = lanes.Queued;
        try
        {
            await lanes.WaitDrainedAsync(cancellationToken);
            LogDrained(logger, queued);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            LogDrainCut(logger, lanes.Queued);
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Grain calls need the silo up; messages that arrive earlier wait in the lanes.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (_abort.Token.Register(() => started.TrySetCanceled(_abort.Token)))
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

            // Not the stopping token: the lanes end when the intake is closed and they are empty, or on abort.
            await Task.WhenAll(Enumerable.Range(0, lanes.Count).Select(lane => RunLaneAsync(lane, _abort.Token)));
        }
        finally
        {
            lanes.MarkDrained();
        }
    }

    private async Task RunLaneAsync(int lane, CancellationToken abort)
    {
        var reader = lanes.Reader(lane);
        var round = new List<DeviceMessage>(MaxRound);
        try
        {
            while (await reader.WaitToReadAsync(abort))
            {
                round.Clear();
                while (round.Count < MaxRound && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                await ProcessRoundAsync(round);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown budget spent: what is left is never acknowledged, so the broker redelivers it.
            while (reader.TryRead(out var left))
            {
                left.Receipt?.Abandoned();
            }
        }
    }

    private async Task ProcessRoundAsync(List<DeviceMessage> round)
    {
        var work = new List<Task>();
        foreach (var group in round.OfType<RfidMessage>().GroupBy(m => m.ReaderId, StringComparer.OrdinalIgnoreCase))
        {
            var messages = group.ToArray();
            var reads = messages.SelectMany(m => m.Reads).ToArray();
            work.Add(DeliverAsync(group.Key, messages, reads.Length, () => grains.GetGrain<IRfidGateGrain>(group.Key).ProcessAsync(new RfidReadBatch(group.Key, reads))));
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
            await DeliverAsync(agvId, [message], 1, () => message switch
            {
                AgvStateMessage s => agv.ApplyStateAsync(s.Report),
                AgvConnectionMessage c => agv.ApplyConnectionAsync(c.Report),
                _ => Task.CompletedTask,
            });
        }
    }

    private async Task DeliverAsync(string deviceId, DeviceMessage[] messages, int count, Func<Task> call)
    {
        var delivered = await CallAsync(deviceId, count, call);
        foreach (var message in messages)
        {
            if (delivered)
            {
                message.Receipt?.Processed();
            }
            else
            {
                message.Receipt?.Abandoned();
            }
        }
    }

    private async Task<bool> CallAsync(string deviceId, int count, Func<Task> call)
    {
        // One retry covers a grain moving between silos; a second failure is counted and logged, never thrown. The
        // message stays unacknowledged: the broker redelivers it on the bridge's next session.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return true;
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
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: {Count} message(s)/read(s) could not be delivered to its grain; left unacknowledged for redelivery")]
    private static partial void LogFailed(ILogger logger, Exception ex, string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device bridge drained on shutdown ({Queued} message(s) were queued)")]
    private static partial void LogDrained(ILogger logger, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device bridge shutdown timeout: {Left} queued message(s) left unacknowledged; the broker redelivers them on the next session")]
    private static partial void LogDrainCut(ILogger logger, int left);
}
