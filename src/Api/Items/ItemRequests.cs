using Tracking.Grains.Interfaces.Items;

namespace Tracking.Api.Items;

/// <summary>An operator scanned the item at a receiving location.</summary>
public sealed record ReceiveRequest(string Warehouse, string Location, string? RmaId = null, string? Sku = null);

public sealed record GradeRequest(
    Grade? Grade,
    string? Notes = null,
    IReadOnlyList<string>? PhotoUrls = null,
    string? Category = null,
    decimal? Value = null,
    bool VendorReturnEligible = false);

/// <summary>Empty: apply the warehouse's rules. With <see cref="Override"/>: that disposition, and a reason is required.</summary>
public sealed record DispositionRequest(Disposition? Override = null, string? OverrideReason = null);

public sealed record HoldRequest(string Reason);
