namespace Tracking.Grains.Interfaces.Devices;

/// <summary>
/// A transport order for one AGV, independent of the wire format (the bridge turns it into a VDA 5050 <c>order</c>).
/// Re-sending the same orderId/orderUpdateId is a duplicate the AGV ignores, so resends are safe.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AgvOrder(
    [property: Id(0)] string OrderId,
    [property: Id(1)] long OrderUpdateId,
    [property: Id(2)] string MapId,
    [property: Id(3)] IReadOnlyList<AgvOrderNode> Nodes);

[GenerateSerializer, Immutable]
public sealed record AgvOrderNode(
    [property: Id(0)] string NodeId,
    [property: Id(1)] double X,
    [property: Id(2)] double Y,
    [property: Id(3)] IReadOnlyList<AgvOrderAction> Actions);

/// <summary>A node action: <c>pick</c> or <c>drop</c>, carrying the load (item or tote) id.</summary>
[GenerateSerializer, Immutable]
public sealed record AgvOrderAction(
    [property: Id(0)] string ActionId,
    [property: Id(1)] string ActionType,
    [property: Id(2)] string LoadId);

/// <summary>The dispatcher hands a task to an AGV.</summary>
[GenerateSerializer, Immutable]
public sealed record AgvAssignment(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] AgvOrder Order);

public enum TransportStep
{
    /// <summary>The AGV's state echoed the order.</summary>
    Accepted,

    /// <summary>The pick action finished: the load is on the AGV.</summary>
    Picked,

    /// <summary>The drop action finished: the load is at the target.</summary>
    Dropped,

    /// <summary>An action failed, a FATAL error came up or the connection broke: the task goes to another AGV.</summary>
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record TransportProgress(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string AgvId,
    [property: Id(2)] string OrderId,
    [property: Id(3)] TransportStep Step,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Reason = null);
