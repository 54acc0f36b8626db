using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Live;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Devices;

/// <summary>
/// One AGV (key <c>{manufacturer}/{serialNumber}</c>). Telemetry (position, battery, errors) is kept in memory: the
/// next state message restores it. The current assignment is stored, so an order survives a restart and is re-sent
/// until the AGV's state echoes its orderId/orderUpdateId.
/// </summary>
public sealed partial class AgvGrain(
    [PersistentState("agv")] IPersistentState<AgvGrainState> state,
    SiteCatalog catalog,
    IAgvOrderSender sender,
    IOptions<TransportOptions> options,
    ILogger<AgvGrain> logger) : Grain, IAgvGrain
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DispatcherRefresh = TimeSpan.FromSeconds(5);

    private readonly AgvStateFilter _filter = new();
    private WarehouseDefinition _warehouse = null!;
    private AgvDefinition _agv = null!;
    private AgvSnapshot _snapshot = null!;
    private AgvSnapshot? _lastSentToDispatcher;
    private DateTimeOffset _lastSentToDispatcherAt;
    private DateTimeOffset _lastLive;
    private IGrainTimer? _resendTimer;
    private int _sends;

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string AgvId => _key ??= this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var found = catalog.FindAgv(AgvId)
            ?? throw DomainException.NotFound("agv-unknown", $"AGV '{AgvId}' is not in the site's device registry.");
        (_warehouse, _agv) = found;
        var home = _warehouse.Layout.AgvNodes.FirstOrDefault(n => n.NodeId == _agv.HomeNode);
        var assignment = state.State.Assignment;
        _snapshot = new AgvSnapshot(AgvId, _warehouse.Code, home?.X ?? 0, home?.Y ?? 0, 0, 0, false, AgvAvailability.Unavailable,
            "UNKNOWN", assignment?.TaskId, assignment?.Order.OrderId, [], null, _agv.HomeNode);
        if (assignment is { Acknowledged: false })
        {
            StartResending();
        }

        return Task.CompletedTask;
    }

    public Task<AgvSnapshot> GetAsync() => Task.FromResult(_snapshot);

    public async Task ApplyStateAsync(AgvStateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_filter.IsStale(report.HeaderId, report.Timestamp))
        {
            DeviceMetrics.AgvStatesIgnored.Add(1);
            _snapshot = _snapshot with { StatesIgnored = _snapshot.StatesIgnored + 1 };
            LogStale(logger, AgvId, report.HeaderId);
            return;
        }

        var previous = _snapshot;
        var position = report.Position;
        _snapshot = _snapshot with
        {
            X = position?.X ?? _snapshot.X,
            Y = position?.Y ?? _snapshot.Y,
            Theta = position?.Theta ?? _snapshot.Theta,
            BatteryCharge = report.BatteryCharge,
            Charging = report.Charging,
            Availability = AgvAvailabilityRule.From(report),
            Connection = _snapshot.Connection is "UNKNOWN" or "OFFLINE" ? AgvSelector.Online : _snapshot.Connection,
            Errors = report.Errors.Select(e => $"{e.Level}: {e.ErrorType}").ToArray(),
            LastUpdate = report.Timestamp,
            LastNodeId = string.IsNullOrEmpty(report.LastNodeId) ? _snapshot.LastNodeId : report.LastNodeId,
        };

        await TrackAssignmentAsync(report);
        // Only once applied: a report whose write failed comes again (the bridge retries, the broker redelivers) with the
        // same header id, and must not be taken for a stale copy then.
        _filter.Record(report.HeaderId, report.Timestamp);
        await AnnounceAsync(previous);
    }

    public async Task ApplyConnectionAsync(AgvConnectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        _filter.Reset();
        var previous = _snapshot;
        _snapshot = _snapshot with { Connection = report.ConnectionState.ToUpperInvariant(), LastUpdate = report.Timestamp };
        if (_snapshot.Connection != AgvSelector.Online && state.State.Assignment is not null)
        {
            await FailAssignmentAsync(report.ConnectionState.ToUpperInvariant());
        }

        await AnnounceAsync(previous, force: true);
    }

    public async Task AssignAsync(AgvAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var current = state.State.Assignment;
        if (current is not null)
        {
            if (current.TaskId == assignment.TaskId && current.Order.OrderId == assignment.Order.OrderId)
            {
                return;
            }

            throw DomainException.Conflict("agv-busy", $"AGV {AgvId} is busy with task {current.TaskId}.");
        }

        // Not stored, so not assigned: kept in memory, every retry of the dispatcher would find it "already assigned" and
        // return without sending the order, and the AGV would refuse all other work.
        await WriteOrRollBackAsync(state.State with { Assignment = new AgvAssignmentState(assignment.TaskId, assignment.Warehouse, assignment.Order, false, false) });
        _sends = 0;

        var previous = _snapshot;
        _snapshot = _snapshot with { TaskId = assignment.TaskId, OrderId = assignment.Order.OrderId };
        await SendOrderAsync();
        StartResending();
        await AnnounceAsync(previous, force: true);
    }

    private async Task TrackAssignmentAsync(AgvStateReport report)
    {
        var assignment = state.State.Assignment;
        if (assignment is null || report.OrderId != assignment.Order.OrderId)
        {
            if (assignment is not null && report.Errors.Any(IsFatal) && assignment.Acknowledged)
            {
                await FailAssignmentAsync(Describe(report.Errors.Where(IsFatal)));
            }

            return;
        }

        if (!assignment.Acknowledged && report.OrderUpdateId >= assignment.Order.OrderUpdateId)
        {
            assignment = assignment with { Acknowledged = true };
            await SaveAssignmentAsync(assignment);
            StopResending();
            Notify(assignment, TransportStep.Accepted);
        }

        var actions = assignment.Order.Nodes.SelectMany(n => n.Actions).ToDictionary(a => a.ActionId, StringComparer.Ordinal);
        var failed = report.Actions.FirstOrDefault(a => actions.ContainsKey(a.ActionId) && a.Status.Equals("FAILED", StringComparison.OrdinalIgnoreCase));
        if (failed is not null)
        {
            await FailAssignmentAsync($"action {failed.ActionId} ({failed.ActionType}) FAILED{(failed.ResultDescription is null ? "" : ": " + failed.ResultDescription)}");
            return;
        }

        if (report.Errors.Any(IsFatal))
        {
            await FailAssignmentAsync(Describe(report.Errors.Where(IsFatal)));
            return;
        }

        bool Finished(string type) => report.Actions.Any(a =>
            actions.TryGetValue(a.ActionId, out var ours) && ours.ActionType == type && a.Status.Equals("FINISHED", StringComparison.OrdinalIgnoreCase));

        if (!assignment.Picked && Finished("pick"))
        {
            assignment = assignment with { Picked = true };
            await SaveAssignmentAsync(assignment);
            Notify(assignment, TransportStep.Picked);
        }

        if (Finished("drop"))
        {
            await EndAssignmentAsync(assignment, TransportStep.Dropped);
        }
    }

    private static bool IsFatal(AgvError e) => e.Level.Equals("FATAL", StringComparison.OrdinalIgnoreCase);

    private static string Describe(IEnumerable<AgvError> errors) => "FATAL error " + string.Join(", ", errors.Select(e => e.ErrorType));

    private async Task FailAssignmentAsync(string reason)
    {
        var assignment = state.State.Assignment;
        if (assignment is null)
        {
            return;
        }

        LogTaskFailed(logger, AgvId, assignment.TaskId, reason);
        await EndAssignmentAsync(assignment, TransportStep.Failed, reason);
    }

    /// <summary>Tells the dispatcher (one-way) and clears the assignment, keeping its outcome until the next one ends.</summary>
    private async Task EndAssignmentAsync(AgvAssignmentState assignment, TransportStep step, string? reason = null)
    {
        var outcome = Progress(assignment, step, reason);
        // Stored before anyone hears of it: cleared only in memory, a failed write left the ended task in storage, and
        // the next activation resent its order or refused all work as busy while the dispatcher had moved on.
        await WriteOrRollBackAsync(state.State with { Assignment = null, LastOutcome = outcome });
        Send(assignment, outcome);
        StopResending();
        _snapshot = _snapshot with { TaskId = null, OrderId = null };
    }

    private async Task WriteOrRollBackAsync(AgvGrainState next)
    {
        var before = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = before;
            throw;
        }
    }

    public Task<TransportProgress?> GetOutcomeAsync(string taskId) =>
        Task.FromResult(state.State.LastOutcome is { } outcome && outcome.TaskId == taskId ? outcome : null);

    private Task SaveAssignmentAsync(AgvAssignmentState assignment) => WriteOrRollBackAsync(state.State with { Assignment = assignment });

    private void Notify(AgvAssignmentState assignment, TransportStep step, string? reason = null) =>
        Send(assignment, Progress(assignment, step, reason));

    private TransportProgress Progress(AgvAssignmentState assignment, TransportStep step, string? reason) =>
        new(assignment.TaskId, AgvId, assignment.Order.OrderId, step, DateTimeOffset.UtcNow, reason);

    private void Send(AgvAssignmentState assignment, TransportProgress progress) =>
        GrainFactory.Reference<ITransportDispatcherGrain>(assignment.Warehouse).ReportProgressAsync(progress).Ignore();

    private async Task SendOrderAsync()
    {
        var assignment = state.State.Assignment;
        if (assignment is null || assignment.Acknowledged)
        {
            return;
        }

        if (++_sends > Math.Max(1, options.Value.MaxUnacknowledgedSends))
        {
            await FailAssignmentAsync($"order {assignment.Order.OrderId} not acknowledged after {_sends - 1} sends");
            return;
        }

        try
        {
            await sender.SendOrderAsync(_agv.Manufacturer, _agv.SerialNumber, assignment.Order);
            DeviceMetrics.AgvOrdersSent.Add(1);
        }
        catch (DeviceLinkUnavailableException ex)
        {
            // Nothing went out, so it does not count against the AGV: while the broker is away no AGV can be reached,
            // and handing the task to another would not move it sooner. The resend timer tries again.
            _sends--;
            LogSendDeferred(logger, assignment.Order.OrderId, AgvId, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The resend timer tries again; the order is stored, so nothing is lost while the broker is away.
            LogSendFailed(logger, ex, assignment.Order.OrderId, AgvId);
        }
    }

    private void StartResending()
    {
        _resendTimer?.Dispose();
        var period = TimeSpan.FromSeconds(options.Value.OrderResendSeconds);
        _resendTimer = this.RegisterGrainTimer(_ => SendOrderAsync(), period, period);
    }

    private void StopResending()
    {
        _resendTimer?.Dispose();
        _resendTimer = null;
    }

    /// <summary>Tells the map (throttled) and the dispatcher (on changes that matter for assignment).</summary>
    private async Task AnnounceAsync(AgvSnapshot previous, bool force = false)
    {
        var now = DateTimeOffset.UtcNow;
        var significant = force
            || previous.Availability != _snapshot.Availability
            || previous.Connection != _snapshot.Connection
            || previous.TaskId != _snapshot.TaskId
            || previous.LastNodeId != _snapshot.LastNodeId
            || (int)previous.BatteryCharge != (int)_snapshot.BatteryCharge;
        if (significant || now - _lastLive >= LiveInterval)
        {
            _lastLive = now;
            await this.PublishLiveAsync(new AgvChanged(_warehouse.Code, now, _snapshot), logger);
        }

        var dispatcherStale = _lastSentToDispatcher is null
            || _lastSentToDispatcher.Availability != _snapshot.Availability
            || _lastSentToDispatcher.Connection != _snapshot.Connection
            || _lastSentToDispatcher.TaskId != _snapshot.TaskId
            || _lastSentToDispatcher.LastNodeId != _snapshot.LastNodeId
            || now - _lastSentToDispatcherAt >= DispatcherRefresh;
        if (dispatcherStale)
        {
            _lastSentToDispatcher = _snapshot;
            _lastSentToDispatcherAt = now;
            GrainFactory.Reference<ITransportDispatcherGrain>(_warehouse.Code).AgvUpdatedAsync(_snapshot).Ignore();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "AGV {AgvId}: stale state headerId {HeaderId} ignored")]
    private static partial void LogStale(ILogger logger, string agvId, long headerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AGV {AgvId} failed task {TaskId}: {Reason}")]
    private static partial void LogTaskFailed(ILogger logger, string agvId, string taskId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} to AGV {AgvId} waits for the device link ({Reason}); it is sent once the broker is back")]
    private static partial void LogSendDeferred(ILogger logger, string orderId, string agvId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} to AGV {AgvId} could not be published; it will be re-sent")]
    private static partial void LogSendFailed(ILogger logger, Exception ex, string orderId, string agvId);
}

/// <summary>
/// Stored AGV state: the assignment (telemetry comes back with the next state message) and how the last one ended,
/// stored with its clearing, for a dispatcher that missed the one-way report of it.
/// </summary>
[GenerateSerializer]
public sealed record AgvGrainState(
    [property: Id(0)] AgvAssignmentState? Assignment,
    [property: Id(1)] TransportProgress? LastOutcome = null)
{
    public AgvGrainState()
        : this(null, null)
    {
    }
}

[GenerateSerializer, Immutable]
public sealed record AgvAssignmentState(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] AgvOrder Order,
    [property: Id(3)] bool Acknowledged,
    [property: Id(4)] bool Picked);
