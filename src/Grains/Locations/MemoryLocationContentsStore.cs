using System.Collections.Concurrent;
using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Locations;

/// <summary>Memory mode's location contents: same contract, kept in this process (lost on exit, like the rest of memory mode).</summary>
public sealed class MemoryLocationContentsStore : ILocationContentsStore
{
    private readonly ConcurrentDictionary<string, Entry> _locations = new(StringComparer.Ordinal);

    public Task<StoredLocationContents?> ReadAsync(string locationId, CancellationToken cancellationToken = default)
    {
        if (!_locations.TryGetValue(locationId, out var entry))
        {
            return Task.FromResult<StoredLocationContents?>(null);
        }

        lock (entry)
        {
            return Task.FromResult<StoredLocationContents?>(new StoredLocationContents([.. entry.Items.Values], [.. entry.Reservations], entry.Version));
        }
    }

    public Task WriteAsync(string locationId, LocationContentsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entry = _locations.GetOrAdd(locationId, _ => new Entry());
        lock (entry)
        {
            foreach (var id in change.Removed)
            {
                entry.Items.Remove(id);
            }

            foreach (var item in change.Placed)
            {
                entry.Items[item.ItemId] = item;
            }

            entry.Reservations = [.. change.Reservations];
            entry.Version = change.Version;
        }

        return Task.CompletedTask;
    }

    private sealed class Entry
    {
        public Dictionary<string, LocationItem> Items { get; } = new(StringComparer.Ordinal);

        public string[] Reservations { get; set; } = [];

        public long Version { get; set; }
    }
}
