using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Locations;

/// <summary>
/// The items of one location that changed since its contents were last stored. Only their ids are remembered: a change
/// set reads each item's value when it is taken, so an item that changed again meanwhile is stored as it is now, and a
/// failed write is retried by remembering its ids again (a newer value always wins). It also knows which items the
/// rows hold, so an item that came and went between two writes (a dock that items cross in seconds) costs no row at all.
/// </summary>
public sealed class LocationContentsChanges
{
    private readonly HashSet<string> _items = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private bool _header;

    /// <summary>Whether anything is waiting to be stored.</summary>
    public bool Pending => _header || _items.Count > 0;

    /// <summary>An item was placed, updated or removed.</summary>
    public void Item(string itemId) => _items.Add(itemId);

    /// <summary>Only the reservations or the version changed.</summary>
    public void Header() => _header = true;

    /// <summary>The rows were read: these items are stored.</summary>
    public void Loaded(IEnumerable<string> itemIds) => _stored.UnionWith(itemIds);

    /// <summary>Takes everything pending as one change set, reading the current contents; nothing is pending afterwards.</summary>
    public LocationContentsChange Take(IReadOnlyDictionary<string, LocationItem> items, IEnumerable<string> reservations, long version)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(reservations);
        var placed = new List<LocationItem>();
        var removed = new List<string>();
        foreach (var id in _items)
        {
            if (items.TryGetValue(id, out var item))
            {
                placed.Add(item);
            }
            else if (_stored.Contains(id))
            {
                removed.Add(id);
            }
        }

        _items.Clear();
        _header = false;
        return new LocationContentsChange(placed, removed, [.. reservations], version);
    }

    /// <summary>A change set was stored.</summary>
    public void Stored(LocationContentsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var item in change.Placed)
        {
            _stored.Add(item.ItemId);
        }

        _stored.ExceptWith(change.Removed);
    }

    /// <summary>
    /// A change set could not be stored: its items are pending again (with whatever values they have by the next take).
    /// Its placed items count as stored from now on, since a write can fail after it committed: removing them later
    /// then deletes a row that may not exist, which is harmless, rather than leaving one that does.
    /// </summary>
    public void Failed(LocationContentsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var item in change.Placed)
        {
            _items.Add(item.ItemId);
            _stored.Add(item.ItemId);
        }

        foreach (var id in change.Removed)
        {
            _items.Add(id);
        }

        _header = true;
    }
}
