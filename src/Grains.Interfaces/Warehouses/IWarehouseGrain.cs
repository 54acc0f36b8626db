using Orleans.Concurrency;
using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>One warehouse, keyed by its code. Not called per item event: location grains send it periodic deltas.</summary>
public interface IWarehouseGrain : IGrainWithStringKey
{
    Task<WarehouseInventory> GetInventoryAsync();

    /// <summary>
    /// A batch from one location grain: its current summary (newer versions replace older ones). One-way: the location
    /// never waits for the warehouse, so the two can never wait on each other.
    /// </summary>
    [OneWay]
    Task ReportAsync(LocationSummary summary);

    /// <summary>Items waiting for an inspector, highest priority first, then oldest; the first <paramref name="limit"/> of them.</summary>
    Task<IReadOnlyList<InspectionQueueEntry>> GetInspectionQueueAsync(int limit = int.MaxValue);
}

[GenerateSerializer, Immutable]
public sealed record InspectionQueueEntry(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string? Sku,
    [property: Id(2)] Items.ItemStatus Status,
    [property: Id(3)] string Location,
    [property: Id(4)] int Priority,
    [property: Id(5)] DateTimeOffset ReceivedAt,
    [property: Id(6)] DateTimeOffset DueAt,
    [property: Id(7)] bool Overdue,
    [property: Id(8)] bool Unexpected);
