using Tracking.Grains.Interfaces.Devices;

namespace Tracking.Grains.Devices;

/// <summary>Maps a VDA 5050 state to one availability, in priority order ERROR &gt; UNAVAILABLE &gt; CHARGING &gt; EXECUTING &gt; IDLE.</summary>
public static class AgvAvailabilityRule
{
    private static readonly HashSet<string> BusyActionStatuses = new(StringComparer.OrdinalIgnoreCase) { "WAITING", "INITIALIZING", "RUNNING", "PAUSED" };

    public static AgvAvailability From(AgvStateReport state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Errors.Any(e => string.Equals(e.Level, "FATAL", StringComparison.OrdinalIgnoreCase)))
        {
            return AgvAvailability.Error;
        }

        if (!string.Equals(state.OperatingMode, "AUTOMATIC", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(state.OperatingMode, "SEMIAUTOMATIC", StringComparison.OrdinalIgnoreCase))
        {
            return AgvAvailability.Unavailable;
        }

        if (state.Charging)
        {
            return AgvAvailability.Charging;
        }

        return state.Driving || state.PendingNodes > 0 || state.Actions.Any(a => BusyActionStatuses.Contains(a.Status))
            ? AgvAvailability.Executing
            : AgvAvailability.Idle;
    }
}
