using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Drains each lane in rounds: everything waiting is grouped per device, the reads of one reader become one batch for
/// its gate grain, AGV messages go to their grain in order. Devices in a round are called in parallel. A gate accepts
/// a batch at once (deduplication) and the lane goes on with its next round while the items store their changes (up
/// to <see cref="MaxRoundsInFlight"/> rounds); each message's receipt is settled only when its items have it
/// (<see cref="IRfidGateGrain.WhenObservedAsync"/>), so the broker's acknowledgement follows the grains, not the hand-off.
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

    /// <summary>Rounds of one lane whose items may still be storing their changes while the lane accepts the next.</summary>
    private const int MaxRoundsInFlight = 8;

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
        var inFlight = new Queue<Task>();
        try
        {
            while (await reader.WaitToReadAsync(abort))
            {
                var round = new List<DeviceMessage>();
                while (round.Count < MaxRound && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                // The next round starts once this one is accepted, not once its items have stored their changes: a lane
                // no longer idles behind its slowest item. Bounded, so a stalled grain still back-pressures the lane.
                inFlight.Enqueue(await StartRoundAsync(round));
                while (inFlight.Count > 0 && (inFlight.Count >= MaxRoundsInFlight || inFlight.Peek().IsCompleted))
                {
                    await inFlight.Dequeue();
                }
            }

            while (inFlight.Count > 0)
            {
                await inFlight.Dequeue();
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

    /// <summary>
    /// Hands a round to its grains and returns, once every device of the round has accepted its messages, the task that
    /// completes when they are all settled. Per device the order holds: a reader's batch is deduplicated by its gate
    /// before the lane takes the next round, and the gate chains each tag's item calls after the earlier ones.
    /// </summary>
    private async Task<Task> StartRoundAsync(List<DeviceMessage> round)
    {
        var accepting = new List<Task<Task>>();
        foreach (var group in round.OfType<RfidMessage>().GroupBy(m => m.ReaderId, StringComparer.OrdinalIgnoreCase))
        {
            accepting.Add(AcceptReadsAsync(group.Key, group.ToArray()));
        }

        foreach (var group in round.Where(m => m is not RfidMessage).GroupBy(m => m.DeviceId, StringComparer.OrdinalIgnoreCase))
        {
            // AGV messages are applied (and settled) in full before the next round: their order matters across rounds.
            accepting.Add(ApplyAgvMessagesAsync(group.Key, group.ToArray()));
        }

        var settling = await Task.WhenAll(accepting);
        return Task.WhenAll(settling);
    }

    /// <summary>Gives a reader's reads of this round to its gate; the returned task settles the messages once the items have them.</summary>
    private async Task<Task> AcceptReadsAsync(string readerId, RfidMessage[] messages)
    {
        var reads = messages.SelectMany(m => m.Reads).ToArray();
        var gate = grains.Reference<IRfidGateGrain>(readerId);
        var ticket = Guid.Empty;
        if (!await CallAsync(readerId, reads.Length, async () => ticket = await gate.AcceptAsync(new RfidReadBatch(readerId, reads))))
        {
            Settle(messages, delivered: false);
            return Task.CompletedTask;
        }

        return DeliverAsync(readerId, messages, reads.Length, () => gate.WhenObservedAsync(ticket));
    }

    /// <summary>Applies (and settles) an AGV's messages in order; nothing is left to wait for afterwards.</summary>
    private async Task<Task> ApplyAgvMessagesAsync(string agvId, DeviceMessage[] messages)
    {
        var agv = grains.Reference<IAgvGrain>(agvId);
        foreach (var message in messages)
        {
            await DeliverAsync(agvId, [message], 1, () => message switch
            {
                AgvStateMessage s => agv.ApplyStateAsync(s.Report),
                AgvConnectionMessage c => agv.ApplyConnectionAsync(c.Report),
                _ => Task.CompletedTask,
            });
        }

        return Task.CompletedTask;
    }

    private async Task DeliverAsync(string deviceId, DeviceMessage[] messages, int count, Func<Task> call) =>
        Settle(messages, await CallAsync(deviceId, count, call));

    private static void Settle(DeviceMessage[] messages, bool delivered)
    {
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
