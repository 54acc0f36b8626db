using Orleans.Concurrency;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Interfaces.Locations;

/// <summary>
/// A storage location keyed <c>{warehouse}/{code}</c>: what it holds, counted by status. Item grains tell it when an
/// item arrives, changes or leaves; it sends its summary to the warehouse grain in periodic batches (staged aggregation).
/// </summary>
public interface ILocationGrain : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task<LocationContents> GetContentsAsync();

    /// <summary>
    /// The items held here with this SKU (case-insensitive), by id, at most <paramref name="limit"/>. Lets a SKU search
    /// visit the few locations of a warehouse instead of every item grain (a location holds at most its capacity).
    /// </summary>
    [ReadOnly]
    Task<IReadOnlyList<LocationItem>> FindBySkuAsync(string sku, int limit);

    /// <summary>Idempotent: the item is here, as described. Replaces any earlier entry and consumes its reservation.</summary>
    Task PlaceAsync(LocationItem item);

    /// <summary>Idempotent: the item is no longer here.</summary>
    Task RemoveAsync(string itemId);

    /// <summary>Holds one place for an item on its way here; false when the location is full. Idempotent per item.</summary>
    Task<bool> TryReserveAsync(string itemId);

    Task ReleaseReservationAsync(string itemId);

    /// <summary>
    /// Interleaves: a warehouse grain activating asks its locations for summaries while a location may be waiting
    /// on that warehouse to take its periodic report; a queued read would deadlock them.
    /// </summary>
    [AlwaysInterleave]
    Task<LocationSummary> GetSummaryAsync();

    /// <summary>
    /// The items here waiting for a grade (received or awaiting inspection), for the warehouse's inspection queue.
    /// Asked for when the queue is, not sent with every summary: an inspection area holds thousands of them.
    /// Interleaves for the same reason as <see cref="GetSummaryAsync"/>.
    /// </summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<LocationItem>> GetAwaitingInspectionAsync();
}

[GenerateSerializer, Immutable]
public sealed record LocationContents(
    [property: Id(0)] string LocationId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] IReadOnlyList<string> Items,
    [property: Id(3)] IReadOnlyDictionary<ItemStatus, int> ByStatus);

/// <summary>What a location knows of one item it holds: enough for counts and the inspection queue.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationItem(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string? Sku,
    [property: Id(2)] ItemStatus Status,
    [property: Id(3)] Grade? Grade,
    [property: Id(4)] Disposition? Disposition,
    [property: Id(5)] int Priority,
    [property: Id(6)] DateTimeOffset? ReceivedAt,
    [property: Id(7)] bool Unexpected);

/// <summary>One location's counts, sent to its warehouse grain in batches (the items awaiting inspection are asked for separately).</summary>
[GenerateSerializer, Immutable]
public sealed record LocationSummary(
    [property: Id(0)] string Warehouse,
    [property: Id(1)] string Code,
    [property: Id(2)] ZoneType Type,
    [property: Id(3)] int Capacity,
    [property: Id(4)] int Count,
    [property: Id(5)] int Reserved,
    [property: Id(6)] IReadOnlyDictionary<ItemStatus, int> ByStatus,
    [property: Id(7)] IReadOnlyDictionary<Grade, int> ByGrade,
    [property: Id(8)] IReadOnlyDictionary<Disposition, int> ByDisposition,
    [property: Id(10)] long Version,
    [property: Id(11)] DateTimeOffset AsOf = default,
    [property: Id(12)] Guid Activation = default);
