using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Tracking.Grains.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>
/// Open alerts of one warehouse (key = warehouse code). Stored before the live event is published. Reentrant so that
/// alerts raised together (every unexpected tag of a pallet raises one, from its own item) share one write of the
/// list (<see cref="CoalescedWrites"/>) instead of queueing for a write each: each change is applied in its own turn,
/// and a caller returns once a write that includes its change has succeeded.
/// </summary>
[Reentrant]
public sealed class AlertsGrain : Grain, IAlertsGrain
{
    private readonly IPersistentState<AlertsGrainState> _state;
    private readonly ILogger<AlertsGrain> _logger;
    private readonly CoalescedWrites _writes;
    private OpenAlerts? _current;

    public AlertsGrain([PersistentState("alerts")] IPersistentState<AlertsGrainState> state, ILogger<AlertsGrain> logger)
    {
        _state = state;
        _logger = logger;
        _writes = new CoalescedWrites(WriteAsync);
    }

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string Warehouse => _key ??= this.GetPrimaryKeyString();

    public async Task RaiseAsync(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (string.IsNullOrWhiteSpace(alert.AlertId))
        {
            throw DomainException.Invalid("alert-id-missing", "An alert needs an id that is stable per cause.");
        }

        if (!string.Equals(alert.Warehouse, Warehouse, StringComparison.OrdinalIgnoreCase))
        {
            throw DomainException.Invalid("alert-wrong-warehouse", $"Alert {alert.AlertId} is for warehouse {alert.Warehouse}, not {Warehouse}.");
        }

        var (next, change, effective) = Current.Raise(alert with { Warehouse = Warehouse });
        if (change == AlertChange.None)
        {
            // Already open, but perhaps only in memory so far: idempotent means stored.
            await _writes.WhenStoredAsync();
            return;
        }

        _current = next;
        await _writes.RequestAsync();
        await this.PublishLiveAsync(new AlertRaised(Warehouse, DateTimeOffset.UtcNow, effective), _logger);
    }

    public async Task ClearAsync(string alertId)
    {
        var (next, change) = Current.Clear(alertId);
        if (change == AlertChange.None)
        {
            await _writes.WhenStoredAsync();
            return;
        }

        _current = next;
        await _writes.RequestAsync();
        await this.PublishLiveAsync(new AlertCleared(Warehouse, DateTimeOffset.UtcNow, alertId), _logger);
    }

    public Task<IReadOnlyList<Alert>> GetOpenAsync() => Task.FromResult<IReadOnlyList<Alert>>(Current.Alerts);

    private OpenAlerts Current => _current ??= new OpenAlerts([.. _state.State.Open ?? []]);

    /// <summary>Writes the list as it is when the write starts: every change applied so far.</summary>
    private async Task WriteAsync()
    {
        _state.State = new AlertsGrainState(Current.Alerts);
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            // The callers of this round are told; what only memory holds is dropped with the activation, so the next
            // one starts from what is stored.
            DeactivateOnIdle();
            throw;
        }
    }
}

/// <summary>Stored state: the open alerts, oldest first.</summary>
[GenerateSerializer]
public sealed record AlertsGrainState([property: Id(0)] IReadOnlyList<Alert>? Open)
{
    public AlertsGrainState()
        : this([])
    {
    }
}
