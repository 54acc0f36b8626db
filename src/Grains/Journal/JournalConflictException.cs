namespace Tracking.Grains.Journal;

/// <summary>Another event already holds this item's sequence number: two writers for one item, never expected.</summary>
public sealed class JournalConflictException(string itemId, long sequence)
    : InvalidOperationException($"The custody journal already holds a different event {sequence} for item {itemId}.")
{
    public string ItemId { get; } = itemId;

    public long Sequence { get; } = sequence;
}
