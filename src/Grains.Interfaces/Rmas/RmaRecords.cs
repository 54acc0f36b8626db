using Tracking.Grains.Interfaces.Common;

namespace Tracking.Grains.Interfaces.Rmas;

public enum RmaChannel
{
    Web,
    Store,
    Marketplace,
    Carrier,
}

public enum RefundPolicy
{
    OnReceipt,
    OnGrading,
}

public enum RmaStatus
{
    Authorized,
    PartiallyReceived,
    Received,
    Closed,
    Cancelled,
}

/// <summary>One authorized line: a quantity of a SKU, or exactly one unit identified by its serial/EPC.</summary>
[GenerateSerializer, Immutable]
public sealed record RmaLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] int Quantity,
    [property: Id(2)] string ReasonCode,
    [property: Id(3)] string? Serial = null,
    [property: Id(4)] decimal? UnitValue = null);

[GenerateSerializer, Immutable]
public sealed record CreateRma(
    [property: Id(0)] string OrderReference,
    [property: Id(1)] RmaChannel Channel,
    [property: Id(2)] string CustomerRegion,
    [property: Id(3)] string ExpectedWarehouse,
    [property: Id(4)] RefundPolicy RefundPolicy,
    [property: Id(5)] IReadOnlyList<RmaLine> Lines,
    [property: Id(6)] Actor Actor);

[GenerateSerializer, Immutable]
public sealed record RmaLineStatus(
    [property: Id(0)] int LineNumber,
    [property: Id(1)] RmaLine Line,
    [property: Id(2)] int Received,
    [property: Id(3)] IReadOnlyList<string> Items)
{
    public int Remaining => Math.Max(0, Line.Quantity - Received);
}

[GenerateSerializer, Immutable]
public sealed record RmaSnapshot(
    [property: Id(0)] string RmaId,
    [property: Id(1)] RmaStatus Status,
    [property: Id(2)] string OrderReference,
    [property: Id(3)] RmaChannel Channel,
    [property: Id(4)] string CustomerRegion,
    [property: Id(5)] string ExpectedWarehouse,
    [property: Id(6)] RefundPolicy RefundPolicy,
    [property: Id(7)] IReadOnlyList<RmaLineStatus> Lines,
    [property: Id(8)] IReadOnlyList<string> RefundsDue,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] long Version);

/// <summary>The RMA's answer to an arrival: whether a line owed the unit, and what the item inherits from it.</summary>
[GenerateSerializer, Immutable]
public sealed record RmaReceipt(
    [property: Id(0)] bool Matched,
    [property: Id(1)] string? Sku,
    [property: Id(2)] RmaLine? Line,
    [property: Id(3)] string? Channel,
    [property: Id(4)] int Priority);
