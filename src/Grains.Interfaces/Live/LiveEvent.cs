using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Interfaces.Live;

/// <summary>
/// Something the control room should see now. Published on the warehouse (or region) stream; the per-silo
/// forwarder batches them into SignalR deltas. Streams may drop events: maps heal from snapshots.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record LiveEvent([property: Id(0)] string Warehouse, [property: Id(1)] DateTimeOffset At);

[GenerateSerializer, Immutable]
public sealed record ItemChanged(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] string ItemId,
    [property: Id(1)] string? Sku,
    [property: Id(2)] ItemStatus? PreviousStatus,
    [property: Id(3)] ItemStatus Status,
    [property: Id(4)] string? PreviousLocation,
    [property: Id(5)] string? Location,
    [property: Id(6)] string EventType) : LiveEvent(Warehouse, At);

[GenerateSerializer, Immutable]
public sealed record GateActivity(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] string ReaderId,
    [property: Id(1)] int Antenna,
    [property: Id(2)] int Reads,
    [property: Id(3)] string? Epc) : LiveEvent(Warehouse, At);

[GenerateSerializer, Immutable]
public sealed record AgvChanged(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] AgvSnapshot Agv) : LiveEvent(Warehouse, At);

[GenerateSerializer, Immutable]
public sealed record TransportTaskChanged(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] TransportTask Task) : LiveEvent(Warehouse, At);

[GenerateSerializer, Immutable]
public sealed record AlertRaised(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] Alert Alert) : LiveEvent(Warehouse, At);

[GenerateSerializer, Immutable]
public sealed record AlertCleared(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] string AlertId) : LiveEvent(Warehouse, At);

/// <summary>A transfer touching this warehouse (as origin or destination) changed; also sent on the region stream.</summary>
[GenerateSerializer, Immutable]
public sealed record TransferChanged(
    string Warehouse,
    DateTimeOffset At,
    [property: Id(0)] string TransferId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] string Status,
    [property: Id(4)] int ItemCount,
    [property: Id(5)] DateTimeOffset? Eta) : LiveEvent(Warehouse, At);
