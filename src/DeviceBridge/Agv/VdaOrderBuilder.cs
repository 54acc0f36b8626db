using System.Globalization;
using System.Text.Json;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Agv;

/// <summary>Builds the VDA 5050 2.1 <c>order</c> message for an <see cref="AgvOrder"/>: nodes at even, edges at odd sequence ids.</summary>
public static class VdaOrderBuilder
{
    public const string ProtocolVersion = "2.1.0";

    public static VdaOrderJson Build(string manufacturer, string serialNumber, AgvOrder order, long headerId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        var message = new VdaOrderJson
        {
            HeaderId = headerId,
            Timestamp = FormatTimestamp(now),
            Version = ProtocolVersion,
            Manufacturer = manufacturer,
            SerialNumber = serialNumber,
            OrderId = order.OrderId,
            OrderUpdateId = order.OrderUpdateId,
        };
        for (var i = 0; i < order.Nodes.Count; i++)
        {
            var node = order.Nodes[i];
            message.Nodes.Add(new VdaNodeJson
            {
                NodeId = node.NodeId,
                SequenceId = i * 2,
                Released = true,
                NodePosition = new VdaNodePositionJson { X = node.X, Y = node.Y, MapId = order.MapId },
                Actions = node.Actions.Select(a => new VdaActionJson
                {
                    ActionId = a.ActionId,
                    ActionType = a.ActionType,
                    BlockingType = "HARD",
                    ActionParameters = [new VdaActionParameterJson { Key = "loadId", Value = a.LoadId }],
                }).ToList(),
            });
            if (i > 0)
            {
                var start = order.Nodes[i - 1].NodeId;
                message.Edges.Add(new VdaEdgeJson
                {
                    EdgeId = $"{start}->{node.NodeId}",
                    SequenceId = (i * 2) - 1,
                    Released = true,
                    StartNodeId = start,
                    EndNodeId = node.NodeId,
                });
            }
        }

        return message;
    }

    public static byte[] Serialize(VdaOrderJson order) => JsonSerializer.SerializeToUtf8Bytes(order, VdaJsonContext.Default.VdaOrderJson);

    /// <summary>VDA 5050 asks for ISO 8601 in UTC, e.g. 1991-03-11T11:40:03.12Z.</summary>
    public static string FormatTimestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
