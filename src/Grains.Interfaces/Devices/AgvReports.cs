namespace Tracking.Grains.Interfaces.Devices;

/// <summary>What the bridge extracts from a VDA 5050 <c>state</c> message (already validated).</summary>
[GenerateSerializer, Immutable]
public sealed record AgvStateReport(
    [property: Id(0)] long HeaderId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string OrderId,
    [property: Id(3)] long OrderUpdateId,
    [property: Id(4)] string LastNodeId,
    [property: Id(5)] bool Driving,
    [property: Id(6)] string OperatingMode,
    [property: Id(7)] AgvPosition? Position,
    [property: Id(8)] double BatteryCharge,
    [property: Id(9)] bool Charging,
    [property: Id(10)] IReadOnlyList<string> Loads,
    [property: Id(11)] IReadOnlyList<AgvActionStatus> Actions,
    [property: Id(12)] IReadOnlyList<AgvError> Errors,
    [property: Id(13)] int PendingNodes);

[GenerateSerializer, Immutable]
public sealed record AgvPosition(
    [property: Id(0)] double X,
    [property: Id(1)] double Y,
    [property: Id(2)] double Theta,
    [property: Id(3)] string MapId,
    [property: Id(4)] bool Initialized);

/// <summary>One entry of VDA 5050 <c>actionStates</c>; status is WAITING, INITIALIZING, RUNNING, PAUSED, FINISHED or FAILED.</summary>
[GenerateSerializer, Immutable]
public sealed record AgvActionStatus(
    [property: Id(0)] string ActionId,
    [property: Id(1)] string ActionType,
    [property: Id(2)] string Status,
    [property: Id(3)] string? ResultDescription = null);

/// <summary>One entry of VDA 5050 <c>errors</c>; level is WARNING or FATAL.</summary>
[GenerateSerializer, Immutable]
public sealed record AgvError(
    [property: Id(0)] string ErrorType,
    [property: Id(1)] string Level,
    [property: Id(2)] string? Description = null);

/// <summary>A VDA 5050 <c>connection</c> message: ONLINE, OFFLINE or CONNECTIONBROKEN (the broker's last will).</summary>
[GenerateSerializer, Immutable]
public sealed record AgvConnectionReport(
    [property: Id(0)] long HeaderId,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] string ConnectionState);
