using Tracking.Grains.Interfaces.Devices;

namespace Tracking.Grains.Devices;

/// <summary>Chooses the AGV for a task: online, idle, free, charged above the threshold, not excluded; nearest first.</summary>
public static class AgvSelector
{
    public const string Online = "ONLINE";

    public static bool IsAvailable(AgvSnapshot agv, double minBattery)
    {
        ArgumentNullException.ThrowIfNull(agv);
        return agv.Connection == Online
            && agv.Availability == AgvAvailability.Idle
            && agv.TaskId is null
            && agv.BatteryCharge >= minBattery;
    }

    public static AgvSnapshot? Select(IEnumerable<AgvSnapshot> fleet, double fromX, double fromY, double minBattery, IReadOnlyCollection<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(excluded);
        return fleet
            .Where(a => IsAvailable(a, minBattery) && !excluded.Contains(a.AgvId))
            .OrderBy(a => Distance(a.X, a.Y, fromX, fromY))
            .ThenByDescending(a => a.BatteryCharge)
            .ThenBy(a => a.AgvId, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    public static double Distance(double x1, double y1, double x2, double y2) => Math.Sqrt(((x1 - x2) * (x1 - x2)) + ((y1 - y2) * (y1 - y2)));
}
