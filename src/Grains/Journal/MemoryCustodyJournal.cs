using System.Collections.Concurrent;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Journal;

/// <summary>The demo mode's journal: same contract, kept in this process (lost on exit, like the rest of memory mode).</summary>
public sealed class MemoryCustodyJournal : ICustodyJournal
{
    private readonly ConcurrentDictionary<string, SortedList<long, ItemEvent>> _items = new(StringComparer.Ordinal);

    public Task AppendAsync(ItemEvent evt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var events = _items.GetOrAdd(evt.ItemId, _ => []);
        lock (events)
        {
            if (events.TryGetValue(evt.Sequence, out var existing))
            {
                // The same event again is a retry; a different one at the same place is a second writer.
                return existing.EventId == evt.EventId
                    ? Task.CompletedTask
                    : Task.FromException(new JournalConflictException(evt.ItemId, evt.Sequence));
            }

            events.Add(evt.Sequence, evt);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ItemEvent>> ReadAsync(string itemId, CancellationToken cancellationToken = default)
    {
        if (!_items.TryGetValue(itemId, out var events))
        {
            return Task.FromResult<IReadOnlyList<ItemEvent>>([]);
        }

        lock (events)
        {
            return Task.FromResult<IReadOnlyList<ItemEvent>>([.. events.Values]);
        }
    }
}
