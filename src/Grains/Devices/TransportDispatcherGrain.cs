using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Live;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Devices;

/// <summary>
/// Transport tasks of one warehouse (key = warehouse code). Keeps a fleet view pushed by its AGV grains, gives each
/// queued task to the best available AGV (<see cref="AgvSelector"/>), moves the item when the drop finishes and
/// re-queues a task to another AGV when its AGV fails it.
/// </summary>
public sealed partial class TransportDispatcherGrain(
    [PersistentState("transport")] IPersistentState<TransportDispatcherState> state,
    SiteCatalog catalog,
    IOptions<TransportOptions> options,
    ILogger<TransportDispatcherGrain> logger) : Grain, ITransportDispatcherGrain
{
    private const int KeepFinishedTasks = 500;

    private readonly Dictionary<string, AgvSnapshot> _fleet = new(StringComparer.OrdinalIgnoreCase);
    private WarehouseDefinition _warehouse = null!;

    private string Warehouse => _warehouse.Code;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _warehouse = catalog.FindWarehouse(this.GetPrimaryKeyString())
            ?? throw DomainException.NotFound("warehouse-unknown", $"Warehouse '{this.GetPrimaryKeyString()}' is not in the site.");
        await RefreshFleetAsync();
        var period = TimeSpan.FromSeconds(options.Value.DispatchIntervalSeconds);
        this.RegisterGrainTimer(TickAsync, period, period);
    }

    public async Task<TransportTask> RequestMoveAsync(TransportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.ItemId))
        {
            throw DomainException.Invalid("transport-item-missing", "A transport request needs an item id.");
        }

        NodeOf(request.FromLocation, "from");
        NodeOf(request.ToLocation, "to");
        var moving = state.State.Tasks.FirstOrDefault(t => t.Task.ItemId == request.ItemId && IsMoving(t.Task.Status));
        var waiting = state.State.Tasks.FirstOrDefault(t => t.Task.ItemId == request.ItemId && t.Task.Status == TransportTaskStatus.Queued);
        if (moving is not null && SamePlace(moving.Task.ToLocation, request.ToLocation))
        {
            // Sent back to where the AGV is already taking it: a follow-up queued meanwhile is no longer wanted.
            if (waiting is not null)
            {
                await SupersedeAsync(waiting, $"superseded: item {request.ItemId} stays at {moving.Task.ToLocation} (task {moving.Task.TaskId})");
            }

            return moving.Task;
        }

        if (waiting is not null)
        {
            if (SamePlace(waiting.Task.ToLocation, request.ToLocation))
            {
                return waiting.Task;
            }

            // The item's destination changed (a disposition overridden) before any AGV took this task: it goes to the new
            // place instead, so the item does not end up where it no longer belongs with no task to move it on. It starts
            // where the item is now (a person may have moved it meanwhile), or where a running task is taking it.
            var retargeted = waiting with
            {
                Task = waiting.Task with
                {
                    FromLocation = (moving?.Task.ToLocation ?? request.FromLocation).ToUpperInvariant(),
                    ToLocation = request.ToLocation.ToUpperInvariant(),
                    Priority = request.Priority,
                    UpdatedAt = DateTimeOffset.UtcNow,
                },
            };
            await UpdateAsync(retargeted);
            await AssignQueuedAsync();
            return Find(retargeted.Task.TaskId)?.Task ?? retargeted.Task;
        }

        // An AGV already carries the item to its old place: the new task follows from there and waits for that drop
        // (AssignQueuedAsync skips it until then), so the item still reaches the place it now belongs.
        return await AddAsync(request.ItemId, moving?.Task.ToLocation ?? request.FromLocation, request.ToLocation, request.Priority);
    }

    public Task<IReadOnlyList<TransportTask>> GetTasksAsync() =>
        Task.FromResult<IReadOnlyList<TransportTask>>(state.State.Tasks.Select(t => t.Task).OrderByDescending(t => t.CreatedAt).ToArray());

    public async Task AgvUpdatedAsync(AgvSnapshot agv)
    {
        ArgumentNullException.ThrowIfNull(agv);
        _fleet[agv.AgvId] = agv;
        if (AgvSelector.IsAvailable(agv, options.Value.MinBatteryPercent))
        {
            await AssignQueuedAsync();
        }
    }

    public async Task ReportProgressAsync(TransportProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var record = Find(progress.TaskId);
        if (record is null || record.Task.AgvId != progress.AgvId || record.Task.OrderId != progress.OrderId || !IsActive(record.Task.Status))
        {
            LogStaleProgress(logger, progress.TaskId, progress.AgvId, progress.Step);
            return;
        }

        switch (progress.Step)
        {
            case TransportStep.Accepted:
                return;
            case TransportStep.Picked:
                await UpdateAsync(record with { Task = record.Task with { Status = TransportTaskStatus.InProgress, UpdatedAt = progress.At } });
                return;
            case TransportStep.Dropped:
                await UpdateAsync(record with { DropConfirmed = true });
                await CompleteMoveAsync(progress.TaskId);
                return;
            default:
                await RequeueAsync(record, progress.Reason ?? "failed");
                await AssignQueuedAsync();
                return;
        }
    }

    private static bool IsActive(TransportTaskStatus status) =>
        status is TransportTaskStatus.Queued or TransportTaskStatus.Assigned or TransportTaskStatus.InProgress;

    /// <summary>An AGV has the task: the item may already be on its way.</summary>
    private static bool IsMoving(TransportTaskStatus status) =>
        status is TransportTaskStatus.Assigned or TransportTaskStatus.InProgress;

    private static bool SamePlace(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private async Task<TransportTask> AddAsync(string itemId, string from, string to, int priority)
    {
        var now = DateTimeOffset.UtcNow;
        var sequence = state.State.NextSequence + 1;
        var task = new TransportTask($"{Warehouse}-T{sequence.ToString("D6", CultureInfo.InvariantCulture)}", Warehouse, itemId,
            from.ToUpperInvariant(), to.ToUpperInvariant(), TransportTaskStatus.Queued, null, 0, now, now, priority);
        var tasks = state.State.Tasks.ToList();
        tasks.Add(new TransportTaskRecord(task, [], false));
        await SaveAsync(tasks, sequence);
        await PublishAsync(task);
        await AssignQueuedAsync();
        return Find(task.TaskId)?.Task ?? task;
    }

    /// <summary>A waiting task no longer wanted (its item goes elsewhere): ended, with why, never silently dropped.</summary>
    private async Task SupersedeAsync(TransportTaskRecord record, string reason)
    {
        LogSuperseded(logger, record.Task.TaskId, reason);
        await UpdateAsync(record with { Task = record.Task with { Status = TransportTaskStatus.Failed, LastError = reason, UpdatedAt = DateTimeOffset.UtcNow } });
    }

    /// <summary>The queued task that waits for this item's running task (its follow-up), if any.</summary>
    private TransportTaskRecord? FollowUpOf(TransportTask task) =>
        state.State.Tasks.FirstOrDefault(t => t.Task.ItemId == task.ItemId && t.Task.TaskId != task.TaskId && t.Task.Status == TransportTaskStatus.Queued);

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var pending in state.State.Tasks.Where(t => t.DropConfirmed && t.Task.Status == TransportTaskStatus.InProgress).Select(t => t.Task.TaskId).ToArray())
        {
            await CompleteMoveAsync(pending);
        }

        // Progress arrives one-way and can be lost (a failed write here, a silo stopping): an AGV keeps how its last task
        // ended, so a task still running here is checked with its AGV, and one that ended there ends here too.
        foreach (var running in state.State.Tasks.Where(t => t.Task.Status is TransportTaskStatus.Assigned or TransportTaskStatus.InProgress && !t.DropConfirmed && t.Task.AgvId is not null)
                     .Select(t => t.Task).ToArray())
        {
            if (await GrainFactory.Reference<IAgvGrain>(running.AgvId!).GetOutcomeAsync(running.TaskId) is { } outcome)
            {
                LogOutcomeRecovered(logger, running.TaskId, running.AgvId!, outcome.Step);
                await ReportProgressAsync(outcome);
            }
        }

        if (state.State.Tasks.Any(t => t.Task.Status == TransportTaskStatus.Queued))
        {
            await RefreshFleetAsync();
            await AssignQueuedAsync();
        }
    }

    /// <summary>The item moves only after the AGV's drop finished; a rejected move fails the task with the item's reason.</summary>
    private async Task CompleteMoveAsync(string taskId)
    {
        var record = Find(taskId);
        if (record is null)
        {
            return;
        }

        var task = record.Task;
        try
        {
            await GrainFactory.Reference<IReturnedItemGrain>(task.ItemId)
                .CompleteMoveAsync(new CompleteMove(Warehouse, task.ToLocation, Actor.Device(task.AgvId ?? "agv"), task.TaskId));
            await UpdateAsync(record with { DropConfirmed = false, Task = task with { Status = TransportTaskStatus.Completed, UpdatedAt = DateTimeOffset.UtcNow } });
            if (FollowUpOf(task) is not null)
            {
                await AssignQueuedAsync();
            }
        }
        catch (DomainException ex)
        {
            await UpdateAsync(record with { DropConfirmed = false, Task = task with { Status = TransportTaskStatus.Failed, LastError = $"item rejected the move: {ex.Message}", UpdatedAt = DateTimeOffset.UtcNow } });
            await RaiseAsync(AlertKind.TransportFailed, $"transport:{task.TaskId}", $"Task {task.TaskId}: item {task.ItemId} rejected the move to {task.ToLocation}: {ex.Message}", task.ItemId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Still marked DropConfirmed: the next tick retries, so a finished drop always reaches the item.
            if (record.Task.Status != TransportTaskStatus.InProgress)
            {
                await UpdateAsync(record with { Task = task with { Status = TransportTaskStatus.InProgress } });
            }

            LogCompleteFailed(logger, ex, task.TaskId, task.ItemId);
        }
    }

    private async Task RequeueAsync(TransportTaskRecord record, string reason)
    {
        var task = record.Task;
        var failedAgv = task.AgvId!;
        var excluded = record.ExcludedAgvs.Append(failedAgv).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        var giveUp = task.Attempts >= options.Value.MaxAttempts;
        var next = task with
        {
            Status = giveUp ? TransportTaskStatus.Failed : TransportTaskStatus.Queued,
            AgvId = giveUp ? task.AgvId : null,
            OrderId = giveUp ? task.OrderId : null,
            LastError = $"{failedAgv}: {reason}",
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        LogRequeued(logger, task.TaskId, failedAgv, reason, giveUp);
        if (FollowUpOf(task) is { } followUp)
        {
            if (giveUp)
            {
                // The item was not delivered: its follow-up starts where this task would have picked it up.
                await UpdateAsync(followUp with { Task = followUp.Task with { FromLocation = task.FromLocation, UpdatedAt = DateTimeOffset.UtcNow } });
            }
            else
            {
                // Queued again: this task takes the item straight to where it now belongs, in place of its follow-up.
                next = next with { ToLocation = followUp.Task.ToLocation, Priority = followUp.Task.Priority };
                await SupersedeAsync(followUp, $"superseded: task {task.TaskId} takes item {task.ItemId} to {followUp.Task.ToLocation} directly");
            }
        }

        await UpdateAsync(record with { Task = next, ExcludedAgvs = excluded, DropConfirmed = false });
        var message = giveUp
            ? $"Task {task.TaskId} failed after {task.Attempts} attempts (last on {failedAgv}: {reason})."
            : $"AGV {failedAgv} failed task {task.TaskId} ({reason}); re-queued for another AGV.";
        await RaiseAsync(giveUp ? AlertKind.TransportFailed : AlertKind.AgvError, $"agv-failed:{task.TaskId}:{task.Attempts}", message, failedAgv);
    }

    private async Task AssignQueuedAsync()
    {
        var queued = state.State.Tasks
            .Where(t => t.Task.Status == TransportTaskStatus.Queued)
            .OrderByDescending(t => t.Task.Priority)
            .ThenBy(t => t.Task.CreatedAt)
            .ToArray();
        foreach (var record in queued)
        {
            if (state.State.Tasks.Any(t => t.Task.ItemId == record.Task.ItemId && IsMoving(t.Task.Status)))
            {
                continue; // a follow-up: waits for the drop of the task that carries its item now
            }

            var from = NodeOf(record.Task.FromLocation, "from");
            var to = NodeOf(record.Task.ToLocation, "to");
            var fleet = _fleet.Values.ToArray();
            var everyoneExcluded = fleet.Length > 0 && fleet.All(a => record.ExcludedAgvs.Contains(a.AgvId, StringComparer.OrdinalIgnoreCase));
            var agv = AgvSelector.Select(fleet, from.X, from.Y, options.Value.MinBatteryPercent, everyoneExcluded ? [] : record.ExcludedAgvs);
            if (agv is null)
            {
                // None for this task (those free may have failed it): the tasks behind it may still have one.
                continue;
            }

            var attempt = record.Task.Attempts + 1;
            var order = BuildOrder(record.Task, attempt, StartOf(agv, from), from, to);
            try
            {
                await GrainFactory.Reference<IAgvGrain>(agv.AgvId).AssignAsync(new AgvAssignment(record.Task.TaskId, Warehouse, order));
            }
            catch (DomainException ex)
            {
                LogAssignRefused(logger, record.Task.TaskId, agv.AgvId, ex.Message);
                _fleet[agv.AgvId] = agv with { TaskId = "?" };
                continue;
            }

            _fleet[agv.AgvId] = agv with { TaskId = record.Task.TaskId, OrderId = order.OrderId, Availability = AgvAvailability.Executing };
            await UpdateAsync(record with
            {
                Task = record.Task with { Status = TransportTaskStatus.Assigned, AgvId = agv.AgvId, OrderId = order.OrderId, Attempts = attempt, UpdatedAt = DateTimeOffset.UtcNow },
            });
        }
    }

    /// <summary>
    /// From where the AGV stands, drive to the source node and pick, drive, drop at the target node; the load id is the
    /// item id. VDA 5050 wants a new order's first node to be the one the AGV is on (an AGV rejects an order it cannot
    /// start), so the order begins at its last node when that is not the source.
    /// </summary>
    private AgvOrder BuildOrder(TransportTask task, int attempt, AgvNodeDefinition? start, AgvNodeDefinition from, AgvNodeDefinition to)
    {
        var orderId = $"{task.TaskId}-{attempt.ToString(CultureInfo.InvariantCulture)}";
        var nodes = new List<AgvOrderNode>(3);
        if (start is not null)
        {
            nodes.Add(new AgvOrderNode(start.NodeId, start.X, start.Y, []));
        }

        nodes.Add(new AgvOrderNode(from.NodeId, from.X, from.Y, [new AgvOrderAction($"{orderId}-pick", "pick", task.ItemId)]));
        nodes.Add(new AgvOrderNode(to.NodeId, to.X, to.Y, [new AgvOrderAction($"{orderId}-drop", "drop", task.ItemId)]));
        return new AgvOrder(orderId, 0, Warehouse, nodes);
    }

    /// <summary>The AGV's last node if it is on this warehouse's map and not already the source node.</summary>
    private AgvNodeDefinition? StartOf(AgvSnapshot agv, AgvNodeDefinition from) =>
        agv.LastNodeId is { Length: > 0 } last && last != from.NodeId ? _warehouse.Layout.AgvNodes.FirstOrDefault(n => n.NodeId == last) : null;

    private AgvNodeDefinition NodeOf(string location, string field)
    {
        var definition = catalog.FindLocation(Warehouse, location)
            ?? throw DomainException.Invalid("transport-location-unknown", $"The {field} location '{location}' is not in warehouse {Warehouse}.");
        return _warehouse.Layout.AgvNodes.FirstOrDefault(n => n.NodeId == definition.AgvNode)
            ?? throw DomainException.Invalid("transport-location-unreachable", $"The {field} location '{location}' has no AGV node in warehouse {Warehouse}.");
    }

    private async Task RefreshFleetAsync()
    {
        var snapshots = await Task.WhenAll(_warehouse.Layout.Agvs.Select(a => GrainFactory.Reference<IAgvGrain>(a.AgvId).GetAsync()));
        foreach (var snapshot in snapshots)
        {
            _fleet[snapshot.AgvId] = snapshot;
        }
    }

    private TransportTaskRecord? Find(string taskId) => state.State.Tasks.FirstOrDefault(t => t.Task.TaskId == taskId);

    private async Task UpdateAsync(TransportTaskRecord record)
    {
        var before = Find(record.Task.TaskId);
        var tasks = state.State.Tasks.Select(t => t.Task.TaskId == record.Task.TaskId ? record : t).ToList();
        await SaveAsync(tasks, state.State.NextSequence);
        if (before is null || before.Task != record.Task)
        {
            await PublishAsync(record.Task);
        }
    }

    private async Task SaveAsync(List<TransportTaskRecord> tasks, long sequence)
    {
        var finished = tasks.Where(t => !IsActive(t.Task.Status)).OrderBy(t => t.Task.UpdatedAt).ToList();
        if (finished.Count > KeepFinishedTasks)
        {
            var drop = finished.Take(finished.Count - KeepFinishedTasks).Select(t => t.Task.TaskId).ToHashSet(StringComparer.Ordinal);
            tasks = tasks.Where(t => !drop.Contains(t.Task.TaskId)).ToList();
        }

        state.State = new TransportDispatcherState(tasks, sequence);
        await state.WriteStateAsync();
    }

    private async Task PublishAsync(TransportTask task)
    {
        DeviceMetrics.TransportTasks.Add(1, new KeyValuePair<string, object?>("status", task.Status.ToString()));
        await this.PublishLiveAsync(new TransportTaskChanged(Warehouse, DateTimeOffset.UtcNow, task), logger);
    }

    private async Task RaiseAsync(AlertKind kind, string alertId, string message, string subject)
    {
        try
        {
            await GrainFactory.Reference<IAlertsGrain>(Warehouse)
                .RaiseAsync(new Alert(alertId, Warehouse, kind, AlertSeverity.Warning, message, subject, DateTimeOffset.UtcNow));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFailed(logger, ex, alertId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored progress {Step} of task {TaskId} from AGV {AgvId}: not its current assignment")]
    private static partial void LogStaleProgress(ILogger logger, string taskId, string agvId, TransportStep step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transport task {TaskId}: AGV {AgvId} ended it ({Step}) but its report had not arrived (lost, or still on its way); taken from the AGV")]
    private static partial void LogOutcomeRecovered(ILogger logger, string taskId, string agvId, TransportStep step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} failed on AGV {AgvId} ({Reason}); given up: {GivenUp}")]
    private static partial void LogRequeued(ILogger logger, string taskId, string agvId, string reason, bool givenUp);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transport task {TaskId} ended unrun: {Reason}")]
    private static partial void LogSuperseded(ILogger logger, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "AGV {AgvId} refused task {TaskId}: {Reason}")]
    private static partial void LogAssignRefused(ILogger logger, string taskId, string agvId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Completing the move of task {TaskId} (item {ItemId}) failed; will retry")]
    private static partial void LogCompleteFailed(ILogger logger, Exception ex, string taskId, string itemId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be raised")]
    private static partial void LogAlertFailed(ILogger logger, Exception ex, string alertId);
}

[GenerateSerializer]
public sealed record TransportDispatcherState(
    [property: Id(0)] IReadOnlyList<TransportTaskRecord> Tasks,
    [property: Id(1)] long NextSequence)
{
    public TransportDispatcherState()
        : this([], 0)
    {
    }
}

/// <summary>A task plus what only the dispatcher needs: AGVs that failed it, and whether the drop awaits the item's move.</summary>
[GenerateSerializer, Immutable]
public sealed record TransportTaskRecord(
    [property: Id(0)] TransportTask Task,
    [property: Id(1)] IReadOnlyList<string> ExcludedAgvs,
    [property: Id(2)] bool DropConfirmed);
