using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Locations;

/// <summary>
/// Where a location grain keeps what it holds: one row per item, so storing a change costs the items that changed, not
/// everything on the shelf (docs/decisions/0014-location-contents-rows.md). PostgreSQL in production, this process in
/// memory mode.
/// </summary>
public interface ILocationContentsStore
{
    /// <summary>The location's stored contents, or null if it never stored any.</summary>
    Task<StoredLocationContents?> ReadAsync(string locationId, CancellationToken cancellationToken = default);

    /// <summary>Stores one change set atomically: items placed or updated, items gone, and the location's small header.</summary>
    Task WriteAsync(string locationId, LocationContentsChange change, CancellationToken cancellationToken = default);
}

/// <summary>A location's contents as stored.</summary>
public sealed record StoredLocationContents(IReadOnlyList<LocationItem> Items, IReadOnlyList<string> Reservations, long Version);

/// <summary>
/// What changed since the last write. <paramref name="Placed"/> and <paramref name="Removed"/> never name the same item;
/// the reservations (few, short-lived) and the version are written whole.
/// </summary>
public sealed record LocationContentsChange(IReadOnlyList<LocationItem> Placed, IReadOnlyList<string> Removed, IReadOnlyList<string> Reservations, long Version);
