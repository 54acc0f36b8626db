namespace Tracking.Grains.Items;

/// <summary>What happened to an item; <see cref="ItemLifecycle"/> decides whether it may and what status follows.</summary>
public enum ItemTrigger
{
    Receive,
    StartInspection,
    Grade,
    Disposition,
    PutAway,
    Complete,
    Hold,
    Release,
    StageForTransfer,
    Depart,
    Arrive,
    MarkMissing,
    Found,
}
