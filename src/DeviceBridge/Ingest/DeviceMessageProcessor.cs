using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Drains each lane in rounds: everything waiting is grouped per device and added to that device's queue
/// (<see cref="DeviceQueue"/>); each device hands its queue to its grain one batch at a time: the reads of a reader
/// become one batch for its gate grain, AGV messages go to their grain in order. A round waits for the devices it
/// started, so messages gather meanwhile and batches stay large, but never longer than <see cref="LateAfter"/>: a
/// device whose grain call hangs goes on alone and holds up no other device. A gate accepts a batch at once
/// (deduplication) and the device goes on with its next batch while the items store their changes (up to
/// <see cref="MaxBatchesSettling"/> batches); each message's receipt is settled only when its items have it
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
    /// <summary>Messages a lane takes per round, and a device per batch.</summary>
    private const int MaxRound = 2_000;

    /// <summary>Batches of one device whose items may still be storing their changes while the device's next batch goes.</summary>
    private const int MaxBatchesSettling = 8;

    /// <summary>Devices a lane remembers before it forgets the idle ones.</summary>
    private const int KeepIdleDevices = 1_024;

    /// <summary>How long a round waits for its devices to accept before the lane goes on without the late ones.</summary>
    private static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(250);

    private static readonly Counter<long> Failures = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.processing_failures", description: "Device messages whose grain call failed (left unacknowledged for redelivery)");

    private static readonly Counter<long> LateRounds = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.late_rounds", description: "Rounds in which a device took longer than 250 ms to accept its batch; the lane went on without it");

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
        // Keyed by kind and id: a reader and an AGV may share an id, and their messages go to different grains.
        var devices = new Dictionary<DeviceKey, DeviceQueue>(DeviceKey.Comparer);
        var round = new List<DeviceMessage>();
        var started = new List<Task>();
        var forgetAbove = KeepIdleDevices;
        try
        {
            while (await reader.WaitToReadAsync(abort))
            {
                round.Clear();
                while (round.Count < MaxRound && reader.TryRead(out var message))
                {
                    round.Add(message);
                }

                started.Clear();
                foreach (var group in round.GroupBy(m => new DeviceKey(m is RfidMessage, m.DeviceId), DeviceKey.Comparer))
                {
                    if (!devices.TryGetValue(group.Key, out var device))
                    {
                        devices[group.Key] = device = new DeviceQueue(group.Key.Id, group.Key.IsReader);
                    }

                    if (device.Add(group))
                    {
                        device.Loop = RunDeviceAsync(device);
                        started.Add(device.Loop);
                    }
                }

                // Waiting for the devices of this round lets the next round gather more, so gates get fewer, larger
                // batches. A device that takes longer than LateAfter goes on alone: later rounds do not wait for it,
                // and what arrives for it meanwhile joins the batch it takes next.
                await WhenStartedAcceptedAsync(started, abort);
                forgetAbove = ForgetIdle(devices, forgetAbove);
            }

            await Task.WhenAll(devices.Values.Select(d => d.Loop));
            await Task.WhenAll(devices.Values.SelectMany(d => d.Settling));
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

    private static async Task WhenStartedAcceptedAsync(List<Task> started, CancellationToken abort)
    {
        var all = started.Count switch
        {
            0 => Task.CompletedTask,
            1 => started[0],
            _ => Task.WhenAll(started),
        };
        if (all.IsCompleted)
        {
            return;
        }

        try
        {
            await all.WaitAsync(LateAfter, abort);
        }
        catch (TimeoutException)
        {
            LateRounds.Add(1);
        }
    }

    /// <summary>Drops idle devices once there are more than <paramref name="above"/>; returns the next such bound.</summary>
    private static int ForgetIdle(Dictionary<DeviceKey, DeviceQueue> devices, int above)
    {
        // Devices come and go (a reader replaced, an AGV retired). The bound doubles with the devices still busy, so a
        // site with many active devices is not scanned on every round.
        if (devices.Count <= above)
        {
            return above;
        }

        foreach (var idle in devices.Where(d => d.Value.IsIdle).Select(d => d.Key).ToList())
        {
            devices.Remove(idle);
        }

        return Math.Max(KeepIdleDevices, devices.Count * 2);
    }

    /// <summary>
    /// A device's loop: hands its waiting messages to its grain one batch at a time until none wait. A reader's batch is
    /// deduplicated by its gate before the next batch goes, and the gate chains each tag's item calls after the earlier
    /// ones, so per device the order holds. The next batch goes once this one is accepted, not once its items have
    /// stored their changes; at most <see cref="MaxBatchesSettling"/> may still be settling, so a stalled item
    /// back-pressures its device (and, through the bridge's window, the broker) without holding up other devices.
    /// </summary>
    private async Task RunDeviceAsync(DeviceQueue device)
    {
        while (device.Take(MaxRound) is { } batch)
        {
            while (device.Settling.Count > 0 && (device.Settling.Count >= MaxBatchesSettling || device.Settling.Peek().IsCompleted))
            {
                await device.Settling.Dequeue();
            }

            try
            {
                device.Settling.Enqueue(device.IsReader
                    ? await AcceptReadsAsync(device.DeviceId, [.. batch.Cast<RfidMessage>()])
                    : await ApplyAgvMessagesAsync(device.DeviceId, [.. batch]));
            }
            catch (Exception ex)
            {
                // Grain call failures are handled below; this is a bug of ours. The loop must go on, or the device would
                // stay stuck with its messages never acknowledged; these are left for the broker to redeliver.
                Failures.Add(batch.Count);
                LogLoopFailed(logger, ex, device.DeviceId, batch.Count);
                Settle([.. batch], delivered: false);
            }
        }
    }

    /// <summary>Gives a batch of a reader's reads to its gate; the returned task settles the messages once the items have them.</summary>
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
            catch (Exception ex)
            {
                // Cancellation included: a device loop that threw would leave its device stuck.
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

    /// <summary>A device in a lane: its kind (reader or AGV) and its id, compared as MQTT topics name them, ignoring case.</summary>
    private readonly record struct DeviceKey(bool IsReader, string Id)
    {
        public static readonly IEqualityComparer<DeviceKey> Comparer = EqualityComparer<DeviceKey>.Create(
            (a, b) => a.IsReader == b.IsReader && StringComparer.OrdinalIgnoreCase.Equals(a.Id, b.Id),
            k => HashCode.Combine(k.IsReader, StringComparer.OrdinalIgnoreCase.GetHashCode(k.Id)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId}: {Count} message(s)/read(s) could not be delivered to its grain; left unacknowledged for redelivery")]
    private static partial void LogFailed(ILogger logger, Exception ex, string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Device {DeviceId}: {Count} message(s) failed in the bridge before reaching the grain; left unacknowledged for redelivery")]
    private static partial void LogLoopFailed(ILogger logger, Exception ex, string deviceId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device bridge drained on shutdown ({Queued} message(s) were queued)")]
    private static partial void LogDrained(ILogger logger, int queued);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device bridge shutdown timeout: {Left} queued message(s) left unacknowledged; the broker redelivers them on the next session")]
    private static partial void LogDrainCut(ILogger logger, int left);
}
