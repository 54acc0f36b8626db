namespace Tracking.Grains.Items;

/// <summary>The <c>Type</c> of custody journal events, stable strings (they are stored and exported).</summary>
public static class ItemEventTypes
{
    public const string Expected = "Expected";
    public const string Received = "Received";
    public const string UnexpectedReceived = "UnexpectedReceived";
    public const string Moved = "Moved";
    public const string InspectionStarted = "InspectionStarted";
    public const string Graded = "Graded";
    public const string Dispositioned = "Dispositioned";
    public const string DispositionOverridden = "DispositionOverridden";
    public const string PutAway = "PutAway";
    public const string Completed = "Completed";
    public const string Held = "Held";
    public const string Released = "Released";
    public const string StagedForTransfer = "StagedForTransfer";
    public const string Departed = "Departed";
    public const string Arrived = "Arrived";
    public const string MarkedMissing = "MarkedMissing";
    public const string Found = "Found";

    /// <summary>An item received as unexpected (no RMA yet) is claimed by the RMA that names it, imported later.</summary>
    public const string RmaMatched = "RmaMatched";
}
