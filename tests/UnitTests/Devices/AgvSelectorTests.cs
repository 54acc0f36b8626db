using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.Devices;

public sealed class AgvSelectorTests
{
    private static AgvSnapshot Agv(string id, double x, double battery = 80, AgvAvailability availability = AgvAvailability.Idle, string connection = "ONLINE", string? task = null) =>
        new(id, "AMS1", x, 0, 0, battery, false, availability, connection, task, null, [], null, null);

    [Fact]
    public void The_nearest_available_agv_is_chosen()
    {
        var chosen = AgvSelector.Select([Agv("far", 40), Agv("near", 5), Agv("mid", 20)], 0, 0, 30, []);
        Assert.Equal("near", chosen?.AgvId);
    }

    [Fact]
    public void Busy_offline_low_battery_or_excluded_agvs_are_skipped()
    {
        var fleet = new[]
        {
            Agv("busy", 1, availability: AgvAvailability.Executing),
            Agv("charging", 1, availability: AgvAvailability.Charging),
            Agv("broken", 1, connection: "CONNECTIONBROKEN"),
            Agv("flat", 1, battery: 10),
            Agv("tasked", 1, task: "T1"),
            Agv("failed-before", 1),
            Agv("ok", 30),
        };
        Assert.Equal("ok", AgvSelector.Select(fleet, 0, 0, 30, ["failed-before"])?.AgvId);
    }

    [Fact]
    public void No_available_agv_means_the_task_waits()
    {
        Assert.Null(AgvSelector.Select([Agv("a", 1, connection: "OFFLINE")], 0, 0, 30, []));
    }
}
