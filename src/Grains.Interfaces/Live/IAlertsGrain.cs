namespace Tracking.Grains.Interfaces.Live;

/// <summary>Open alerts of one warehouse, keyed by warehouse code. Raising publishes <see cref="AlertRaised"/>.</summary>
public interface IAlertsGrain : IGrainWithStringKey
{
    /// <summary>Idempotent per <see cref="Alert.AlertId"/>.</summary>
    Task RaiseAsync(Alert alert);

    Task ClearAsync(string alertId);

    Task<IReadOnlyList<Alert>> GetOpenAsync();
}
