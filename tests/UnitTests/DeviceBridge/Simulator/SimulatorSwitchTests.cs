using Microsoft.Extensions.Configuration;
using Tracking.DeviceBridge.Simulator;

namespace Tracking.UnitTests.DeviceBridge.Simulator;

public sealed class SimulatorSwitchTests
{
    [Theory]
    [InlineData(null, null, null, true, true)]            // the demo: memory storage by default
    [InlineData("Memory", null, null, true, true)]
    [InlineData("PostgreSql", null, null, false, false)]  // production: the floor crew must not grade real items
    [InlineData("PostgreSql", "true", null, true, true)]  // an explicit opt-in wins
    [InlineData("Memory", "false", null, false, false)]
    [InlineData("Memory", null, "false", true, false)]
    [InlineData("PostgreSql", "true", "false", true, false)]
    public void The_simulator_runs_in_the_demo_unless_told_otherwise(string? storage, string? enabled, string? floorCrew, bool devices, bool crew)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tracking:Storage:Mode"] = storage,
            ["Tracking:Simulator:Enabled"] = enabled,
            ["Tracking:Simulator:FloorCrew"] = floorCrew,
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(kv => kv.Value is not null)).Build();

        Assert.Equal((devices, crew), (SimulatorSwitch.DevicesEnabled(configuration), SimulatorSwitch.FloorCrewEnabled(configuration)));
    }
}
