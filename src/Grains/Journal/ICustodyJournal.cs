using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Journal;

/// <summary>
/// The append-only chain of custody of every item. <see cref="AppendAsync"/> returns only once the event is durable
/// (PostgreSQL mode) and is idempotent per <see cref="ItemEvent.EventId"/>, so a grain may safely append again after a crash.
/// </summary>
public interface ICustodyJournal
{
    Task AppendAsync(ItemEvent evt, CancellationToken cancellationToken = default);

    /// <summary>The item's events in sequence order.</summary>
    Task<IReadOnlyList<ItemEvent>> ReadAsync(string itemId, CancellationToken cancellationToken = default);
}
