using Tracking.Grains.Interfaces.Items;

namespace Tracking.Api.Live;

/// <summary>A region's member warehouses and the transfers this feed has seen, as of delta <see cref="Seq"/>.</summary>
public sealed record RegionSnapshot(
    string Region,
    string Epoch,
    long Seq,
    DateTimeOffset AsOf,
    IReadOnlyList<WarehouseSummary> Warehouses,
    IReadOnlyList<TransferView> Transfers);

/// <summary>One warehouse on the region page: item counts by status and open alerts.</summary>
public sealed record WarehouseSummary(string Code, IReadOnlyDictionary<ItemStatus, int> ByStatus, int OpenAlerts);

/// <summary>A transfer between warehouses as the region page draws it.</summary>
public sealed record TransferView(string TransferId, string From, string To, string Status, int ItemCount, DateTimeOffset? Eta, DateTimeOffset At);
