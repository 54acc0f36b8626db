namespace Tracking.Api.Transfers;

/// <summary>A manager asks for a transfer by hand. <c>Stage</c> is a stage name (Inspection, Refurbish, …).</summary>
public sealed record CreateTransferRequest(string? From, string? To, string? Stage, int Quantity, string? Note = null);

public sealed record ApproveTransferRequest(string? Note = null);

public sealed record RejectTransferRequest(string? Reason);

/// <summary>Items of the origin to stage at one of its Outbound locations (code, e.g. DOCK-OUT-01).</summary>
public sealed record StageTransferRequest(IReadOnlyList<string>? Items, string? Location);

/// <summary>Items scanned by hand at the destination (optional) and where (a location code; the first dock if omitted).</summary>
public sealed record ReceiveTransferRequest(IReadOnlyList<string>? Items = null, string? Location = null);

public sealed record CloseTransferRequest(string? Note = null);
