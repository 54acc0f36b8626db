using System.Text;
using NJsonSchema;
using Tracking.DeviceBridge.Agv;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Agv;

public sealed class VdaOrderBuilderTests
{
    private static readonly AgvOrder Order = new("AMS1-T000001-1", 0, "AMS1",
    [
        new AgvOrderNode("N-INSP-01", 16.12, 7.0, [new AgvOrderAction("AMS1-T000001-1-pick", "pick", "3074257BF7194E4000001A85")]),
        new AgvOrderNode("N-RESTOCK-02", 7.38, 22.0, [new AgvOrderAction("AMS1-T000001-1-drop", "drop", "3074257BF7194E4000001A85")]),
    ]);

    [Fact]
    public async Task A_built_order_validates_against_the_VDA_5050_order_schema()
    {
        var schema = await JsonSchema.FromJsonAsync(ProtocolFiles.Read("vda5050-2.1/order.schema.json"));
        var json = Encoding.UTF8.GetString(VdaOrderBuilder.Serialize(VdaOrderBuilder.Build("acme", "AMS1-AGV-01", Order, 7, DateTimeOffset.UtcNow)));
        Assert.Empty(schema.Validate(json));
    }

    [Fact]
    public void Nodes_take_even_and_edges_odd_sequence_ids_and_actions_carry_the_load_id()
    {
        var order = VdaOrderBuilder.Build("acme", "AMS1-AGV-01", Order, 7, DateTimeOffset.UtcNow);
        Assert.Equal([0L, 2L], order.Nodes.Select(n => n.SequenceId));
        var edge = Assert.Single(order.Edges);
        Assert.Equal(1, edge.SequenceId);
        Assert.Equal(("N-INSP-01", "N-RESTOCK-02"), (edge.StartNodeId, edge.EndNodeId));
        Assert.All(order.Nodes, n => Assert.Equal("3074257BF7194E4000001A85", Assert.Single(n.Actions).ActionParameters!.Single(p => p.Key == "loadId").Value));
        Assert.Equal("AMS1", order.Nodes[0].NodePosition!.MapId);
    }

    [Fact]
    public async Task The_sample_order_validates_too_so_the_schema_check_is_real()
    {
        var schema = await JsonSchema.FromJsonAsync(ProtocolFiles.Read("vda5050-2.1/order.schema.json"));
        Assert.Empty(schema.Validate(ProtocolFiles.Read("samples/vda5050-order.json")));
        Assert.NotEmpty(schema.Validate("""{"headerId":1}"""));
    }
}
