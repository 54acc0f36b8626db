using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.Devices;

public sealed class AgvAvailabilityRuleTests
{
    private static AgvStateReport State(string mode = "AUTOMATIC", bool charging = false, bool driving = false, int pendingNodes = 0,
        IReadOnlyList<AgvError>? errors = null, IReadOnlyList<AgvActionStatus>? actions = null) =>
        new(1, DateTimeOffset.UnixEpoch, "", 0, "N1", driving, mode, null, 80, charging, [], actions ?? [], errors ?? [], pendingNodes);

    [Fact]
    public void A_fatal_error_wins_over_everything()
    {
        Assert.Equal(AgvAvailability.Error, AgvAvailabilityRule.From(State("MANUAL", charging: true, driving: true, errors: [new AgvError("x", "FATAL")])));
    }

    [Fact]
    public void A_warning_is_not_an_error()
    {
        Assert.Equal(AgvAvailability.Idle, AgvAvailabilityRule.From(State(errors: [new AgvError("x", "WARNING")])));
    }

    [Theory]
    [InlineData("MANUAL")]
    [InlineData("SERVICE")]
    [InlineData("TEACHIN")]
    public void A_mode_other_than_automatic_is_unavailable(string mode)
    {
        Assert.Equal(AgvAvailability.Unavailable, AgvAvailabilityRule.From(State(mode, charging: true, driving: true)));
    }

    [Fact]
    public void Charging_wins_over_executing()
    {
        Assert.Equal(AgvAvailability.Charging, AgvAvailabilityRule.From(State("SEMIAUTOMATIC", charging: true, driving: true)));
    }

    [Fact]
    public void Driving_pending_nodes_or_running_actions_are_executing()
    {
        Assert.Equal(AgvAvailability.Executing, AgvAvailabilityRule.From(State(driving: true)));
        Assert.Equal(AgvAvailability.Executing, AgvAvailabilityRule.From(State(pendingNodes: 1)));
        Assert.Equal(AgvAvailability.Executing, AgvAvailabilityRule.From(State(actions: [new AgvActionStatus("a", "pick", "RUNNING")])));
    }

    [Fact]
    public void Finished_actions_and_no_route_are_idle()
    {
        Assert.Equal(AgvAvailability.Idle, AgvAvailabilityRule.From(State(actions: [new AgvActionStatus("a", "drop", "FINISHED"), new AgvActionStatus("b", "pick", "FAILED")])));
    }
}
