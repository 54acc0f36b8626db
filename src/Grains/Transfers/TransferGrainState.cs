using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Transfers;

/// <summary>Stored state of a transfer: its snapshot (null until created).</summary>
[GenerateSerializer]
public sealed record TransferGrainState([property: Id(0)] TransferSnapshot? Transfer)
{
    public TransferGrainState()
        : this((TransferSnapshot?)null)
    {
    }
}
