using Microsoft.Extensions.Configuration;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>
/// Whether the simulated devices and floor crew run. Unset, only in the demo (memory storage): the floor crew grades and
/// dispositions real items and the simulator sends orders to AGVs, which a production silo on PostgreSQL must never do
/// because someone forgot a switch. Set explicitly, the setting wins.
/// </summary>
public static class SimulatorSwitch
{
    public static bool DevicesEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue<bool?>("Tracking:Simulator:Enabled") ?? IsDemo(configuration);
    }

    public static bool FloorCrewEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetValue<bool?>("Tracking:Simulator:FloorCrew") ?? DevicesEnabled(configuration);
    }

    private static bool IsDemo(IConfiguration configuration) =>
        string.Equals(configuration["Tracking:Storage:Mode"] ?? "Memory", "Memory", StringComparison.OrdinalIgnoreCase);
}
