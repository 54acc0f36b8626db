using System.Collections.Immutable;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>What changed when an alert was raised or cleared: publish only when something did.</summary>
public enum AlertChange
{
    None,
    Raised,
    Updated,
    Cleared,
}

/// <summary>
/// The open alerts of one warehouse as a pure value: raising an id that is already open keeps one alert (its first
/// <see cref="Alert.RaisedAt"/>), clearing an unknown id changes nothing. Bounded, so a flood of distinct causes
/// (e.g. one unexpected tag after another) cannot grow the grain without limit: the oldest alert of the lowest severity
/// open is dropped first, so a flood of warnings never pushes out a critical alert.
/// </summary>
public sealed record OpenAlerts(ImmutableList<Alert> Alerts)
{
    public const int MaxOpen = 500;

    public static readonly OpenAlerts Empty = new(ImmutableList<Alert>.Empty);

    public (OpenAlerts Next, AlertChange Change, Alert Effective) Raise(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var index = Alerts.FindIndex(a => a.AlertId == alert.AlertId);
        if (index >= 0)
        {
            var existing = Alerts[index];
            var merged = alert with { RaisedAt = existing.RaisedAt };
            return merged == existing
                ? (this, AlertChange.None, existing)
                : (new OpenAlerts(Alerts.SetItem(index, merged)), AlertChange.Updated, merged);
        }

        var list = Alerts.Add(alert);
        while (list.Count > MaxOpen)
        {
            // The list is in raising order: the first alert of the lowest severity present is the oldest of it.
            var lowest = list.Min(a => a.Severity);
            list = list.RemoveAt(list.FindIndex(a => a.Severity == lowest));
        }

        return (new OpenAlerts(list), AlertChange.Raised, alert);
    }

    public (OpenAlerts Next, AlertChange Change) Clear(string alertId)
    {
        var index = Alerts.FindIndex(a => a.AlertId == alertId);
        return index < 0 ? (this, AlertChange.None) : (new OpenAlerts(Alerts.RemoveAt(index)), AlertChange.Cleared);
    }
}
