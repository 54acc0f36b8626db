namespace Tracking.Api.Live;

/// <summary>What changed in a region since delta <c>Seq - 1</c>: absolute values per warehouse and transfer.</summary>
public sealed record RegionDelta(
    string Region,
    string Epoch,
    long Seq,
    DateTimeOffset At,
    IReadOnlyList<WarehouseSummary> Warehouses,
    IReadOnlyList<TransferView> Transfers,
    IReadOnlyList<string> TransfersEnded);
