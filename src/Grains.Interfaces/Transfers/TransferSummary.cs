using Tracking.Grains.Interfaces.Regions;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>A transfer as the region index and the live map list it (from/to, status, count, ETA).</summary>
[GenerateSerializer, Immutable]
public sealed record TransferSummary(
    [property: Id(0)] string TransferId,
    [property: Id(1)] string From,
    [property: Id(2)] string To,
    [property: Id(3)] BacklogStage Stage,
    [property: Id(4)] TransferStatus Status,
    [property: Id(5)] int Quantity,
    [property: Id(6)] int ItemCount,
    [property: Id(7)] DateTimeOffset? Eta,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] long Version,
    [property: Id(10)] string? PlannedBy);
