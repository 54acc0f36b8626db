using System.Text.Json;
using NJsonSchema;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.Simulator;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Simulator;

public sealed class SimulatedAgvTests
{
    private static readonly Dictionary<string, (double X, double Y)> Nodes = new()
    {
        ["N-CHARGE"] = (48, 2),
        ["N-A"] = (10, 2),
        ["N-B"] = (10, 12),
    };

    private static SimulatedAgv Agv(double failureRate = 0) =>
        new("acme", "AMS1-AGV-01", "AMS1", Nodes, "N-CHARGE", new SimulatorOptions { AgvSpeed = 2, FailureRate = failureRate }, new Random(1)) { Battery = 90 };

    // Starts where the AGV stands (its home, N-CHARGE), as the dispatcher's orders do.
    private static VdaOrderJson Order(string id = "o1", long update = 0) => VdaOrderBuilder.Build("acme", "AMS1-AGV-01", new AgvOrder(id, update, "AMS1",
    [
        new AgvOrderNode("N-CHARGE", 48, 2, []),
        new AgvOrderNode("N-A", 10, 2, [new AgvOrderAction($"{id}-pick", "pick", "ITEM-1")]),
        new AgvOrderNode("N-B", 10, 12, [new AgvOrderAction($"{id}-drop", "drop", "ITEM-1")]),
    ]), 0, DateTimeOffset.UtcNow);

    [Fact]
    public void An_order_that_does_not_start_where_the_agv_stands_is_rejected()
    {
        var agv = Agv();
        var elsewhere = VdaOrderBuilder.Build("acme", "AMS1-AGV-01", new AgvOrder("o-far", 0, "AMS1",
        [
            new AgvOrderNode("N-A", 10, 2, [new AgvOrderAction("o-far-pick", "pick", "ITEM-1")]),
            new AgvOrderNode("N-B", 10, 12, [new AgvOrderAction("o-far-drop", "drop", "ITEM-1")]),
        ]), 0, DateTimeOffset.UtcNow);

        Assert.Equal("rejected", agv.Accept(elsewhere));
        Assert.Contains(agv.BuildState(DateTimeOffset.UtcNow).Errors!, e => e.ErrorType == "orderError");
        Assert.False(agv.Busy);
        Assert.Equal("accepted", agv.Accept(Order()));
    }

    [Fact]
    public void An_agv_drives_picks_and_drops_then_is_idle()
    {
        var agv = Agv();
        Assert.Equal("accepted", agv.Accept(Order()));
        var sawLoad = false;
        for (var i = 0; i < 600 && agv.Busy; i++)
        {
            agv.Step(0.1);
            sawLoad |= agv.BuildState(DateTimeOffset.UtcNow).Loads!.Any(l => l.LoadId == "ITEM-1");
        }

        var state = agv.BuildState(DateTimeOffset.UtcNow);
        Assert.True(sawLoad);
        Assert.Equal("N-B", state.LastNodeId);
        Assert.Equal((10.0, 12.0), (state.AgvPosition!.X!.Value, state.AgvPosition.Y!.Value));
        Assert.All(state.ActionStates!, a => Assert.Equal("FINISHED", a.ActionStatus));
        Assert.Empty(state.Loads!);
        Assert.Empty(state.NodeStates!);
        Assert.True(state.BatteryState!.BatteryCharge < 90);
    }

    [Fact]
    public void The_same_order_twice_is_a_duplicate_and_another_order_while_busy_is_refused()
    {
        var agv = Agv();
        agv.Accept(Order());
        Assert.Equal("duplicate", agv.Accept(Order()));
        Assert.Equal("rejected", agv.Accept(Order("o2")));
        Assert.Contains(agv.BuildState(DateTimeOffset.UtcNow).Errors!, e => e.ErrorType == "orderError" && e.ErrorLevel == "WARNING");
    }

    [Fact]
    public void A_failing_action_is_reported_failed_and_the_route_abandoned()
    {
        var agv = Agv(failureRate: 1);
        agv.Accept(Order());
        for (var i = 0; i < 600 && agv.Busy; i++)
        {
            agv.Step(0.1);
        }

        var state = agv.BuildState(DateTimeOffset.UtcNow);
        Assert.Equal("FAILED", state.ActionStates!.Single(a => a.ActionType == "pick").ActionStatus);
        Assert.Empty(state.NodeStates!);
    }

    [Fact]
    public void A_flat_agv_drives_to_the_charger_and_charges()
    {
        var agv = Agv();
        agv.Battery = 10;
        agv.Accept(Order());
        for (var i = 0; i < 3000 && !agv.Charging; i++)
        {
            agv.Step(0.1);
        }

        Assert.True(agv.Charging);
        Assert.Equal((48.0, 2.0), (agv.X, agv.Y));
    }

    [Fact]
    public async Task Its_state_validates_against_the_VDA_5050_state_schema()
    {
        var schema = await JsonSchema.FromJsonAsync(ProtocolFiles.Read("vda5050-2.1/state.schema.json"));
        var agv = Agv();
        agv.Accept(Order());
        agv.Step(1);
        var json = JsonSerializer.Serialize(agv.BuildState(DateTimeOffset.UtcNow), VdaJsonContext.Default.VdaStateJson);
        Assert.Empty(schema.Validate(json));
    }
}
