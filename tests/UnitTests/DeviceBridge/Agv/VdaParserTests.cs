using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Tracking.DeviceBridge.Agv;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Agv;

public sealed class VdaParserTests
{
    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void The_state_sample_gives_position_battery_loads_and_actions()
    {
        var result = VdaParser.ParseState(Bytes(ProtocolFiles.Read("samples/vda5050-state.json")), "AcmeAGV", "AMR-07");
        var state = result.Value!;
        Assert.Equal(1042, state.HeaderId);
        Assert.Equal("xfer-tote-T123-0001", state.OrderId);
        Assert.Equal(12.4, state.Position!.X);
        Assert.Equal(76.5, state.BatteryCharge);
        Assert.Equal(["T123"], state.Loads);
        Assert.Equal("FINISHED", state.Actions.Single(a => a.ActionId == "pick-T123").Status);
        Assert.Equal(1, state.PendingNodes);
    }

    [Fact]
    public void The_connection_sample_parses()
    {
        var result = VdaParser.ParseConnection(Bytes(ProtocolFiles.Read("samples/vda5050-connection.json")), "AcmeAGV", "AMR-07");
        Assert.Equal("CONNECTIONBROKEN", result.Value!.ConnectionState);
    }

    [Fact]
    public void A_state_naming_another_agv_than_its_topic_is_refused()
    {
        var result = VdaParser.ParseState(Bytes(ProtocolFiles.Read("samples/vda5050-state.json")), "AcmeAGV", "AMR-08");
        Assert.Equal(DeadLetterReasons.TopicMismatch, result.Reason);
    }

    [Theory]
    [InlineData("headerId")]
    [InlineData("timestamp")]
    [InlineData("orderId")]
    [InlineData("batteryState")]
    [InlineData("errors")]
    [InlineData("actionStates")]
    [InlineData("operatingMode")]
    public void A_state_missing_a_required_field_is_refused(string field)
    {
        var json = JsonNode.Parse(ProtocolFiles.Read("samples/vda5050-state.json"))!.AsObject();
        json.Remove(field);
        var result = VdaParser.ParseState(Bytes(json.ToJsonString()), "AcmeAGV", "AMR-07");
        Assert.Equal(DeadLetterReasons.MissingField, result.Reason);
        Assert.Contains(field, result.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("headerId", "\"x\"")]
    [InlineData("operatingMode", "\"FLYING\"")]
    [InlineData("timestamp", "\"soon\"")]
    public void A_state_with_a_wrong_value_is_refused(string field, string value)
    {
        var json = JsonNode.Parse(ProtocolFiles.Read("samples/vda5050-state.json"))!.AsObject();
        json[field] = JsonNode.Parse(value);
        Assert.Equal(DeadLetterReasons.InvalidValue, VdaParser.ParseState(Bytes(json.ToJsonString()), "AcmeAGV", "AMR-07").Reason);
    }

    [Theory]
    [InlineData(101.5, 100)]
    [InlineData(-0.5, 0)]
    public void A_state_of_charge_outside_0_to_100_is_held_to_it_and_the_state_kept(double reported, double kept)
    {
        var json = JsonNode.Parse(ProtocolFiles.Read("samples/vda5050-state.json"))!.AsObject();
        json["batteryState"]!["batteryCharge"] = reported;
        json["timestamp"] = "2025-05-14t09:31:07.123456789z"; // RFC 3339 as Go writes it
        var result = VdaParser.ParseState(Bytes(json.ToJsonString()), "AcmeAGV", "AMR-07");
        Assert.Null(result.Reason);
        Assert.Equal(kept, result.Value!.BatteryCharge);
    }

    [Fact]
    public void A_connection_state_outside_the_protocol_is_refused()
    {
        var json = ProtocolFiles.Read("samples/vda5050-connection.json").Replace("CONNECTIONBROKEN", "SLEEPY", StringComparison.Ordinal);
        Assert.Equal(DeadLetterReasons.InvalidValue, VdaParser.ParseConnection(Bytes(json), "AcmeAGV", "AMR-07").Reason);
    }
}
