namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>Planned → Approved → Staged → InTransit → Arrived → Received → Closed, or Cancelled. Rules in Grains/Transfers/TransferLifecycle.cs.</summary>
public enum TransferStatus
{
    Planned,
    Approved,
    Staged,
    InTransit,
    Arrived,
    Received,
    Closed,
    Cancelled,
}
