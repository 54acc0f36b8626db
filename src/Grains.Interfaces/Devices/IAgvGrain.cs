namespace Tracking.Grains.Interfaces.Devices;

/// <summary>One AGV keyed <c>{manufacturer}/{serialNumber}</c> (VDA 5050 identity).</summary>
public interface IAgvGrain : IGrainWithStringKey
{
    Task<AgvSnapshot> GetAsync();

    /// <summary>A VDA 5050 <c>state</c> message. Stale or out-of-order ones (headerId not newer, timestamp not newer) are ignored.</summary>
    Task ApplyStateAsync(AgvStateReport report);

    /// <summary>A VDA 5050 <c>connection</c> message: resets the stale filter; a broken connection fails the running task.</summary>
    Task ApplyConnectionAsync(AgvConnectionReport report);

    /// <summary>Gives the AGV a transport order; it is published and re-sent until a state echoes orderId/orderUpdateId.</summary>
    Task AssignAsync(AgvAssignment assignment);

    /// <summary>How the task ended (dropped or failed), if it was this AGV's last one; null while it runs or if unknown.</summary>
    Task<TransportProgress?> GetOutcomeAsync(string taskId);
}

public enum AgvAvailability
{
    Idle,
    Executing,
    Charging,
    Unavailable,
    Error,
}

[GenerateSerializer, Immutable]
public sealed record AgvSnapshot(
    [property: Id(0)] string AgvId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] double X,
    [property: Id(3)] double Y,
    [property: Id(4)] double Theta,
    [property: Id(5)] double BatteryCharge,
    [property: Id(6)] bool Charging,
    [property: Id(7)] AgvAvailability Availability,
    [property: Id(8)] string Connection,
    [property: Id(9)] string? TaskId,
    [property: Id(10)] string? OrderId,
    [property: Id(11)] IReadOnlyList<string> Errors,
    [property: Id(12)] DateTimeOffset? LastUpdate,
    [property: Id(13)] string? LastNodeId,
    [property: Id(14)] long StatesIgnored = 0);
