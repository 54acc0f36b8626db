using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>Open alerts of one warehouse (key = warehouse code). Stored before the live event is published.</summary>
public sealed class AlertsGrain(
    [PersistentState("alerts")] IPersistentState<AlertsGrainState> state,
    ILogger<AlertsGrain> logger) : Grain, IAlertsGrain
{
    private OpenAlerts? _current;

    private string Warehouse => this.GetPrimaryKeyString();

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
            return;
        }

        await SaveAsync(next);
        await this.PublishLiveAsync(new AlertRaised(Warehouse, DateTimeOffset.UtcNow, effective), logger);
    }

    public async Task ClearAsync(string alertId)
    {
        var (next, change) = Current.Clear(alertId);
        if (change == AlertChange.None)
        {
            return;
        }

        await SaveAsync(next);
        await this.PublishLiveAsync(new AlertCleared(Warehouse, DateTimeOffset.UtcNow, alertId), logger);
    }

    public Task<IReadOnlyList<Alert>> GetOpenAsync() => Task.FromResult<IReadOnlyList<Alert>>(Current.Alerts);

    private OpenAlerts Current => _current ??= new OpenAlerts([.. state.State.Open ?? []]);

    private async Task SaveAsync(OpenAlerts next)
    {
        state.State = new AlertsGrainState(next.Alerts);
        await state.WriteStateAsync();
        _current = next;
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
