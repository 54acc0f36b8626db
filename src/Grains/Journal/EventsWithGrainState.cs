namespace Tracking.Grains.Journal;

/// <summary>
/// Whether the grain-state storage writes an item's new event to the custody journal in the same statement as the
/// item's state, so that both commit together (the batched PostgreSQL provider does: docs/decisions/0002). The item grain
/// then does not append the event on its own. Registered by the storage that does it, never configured by hand: a wrong
/// value would lose events.
/// </summary>
public sealed record EventsWithGrainState(bool Enabled)
{
    public static readonly EventsWithGrainState No = new(false);
}
