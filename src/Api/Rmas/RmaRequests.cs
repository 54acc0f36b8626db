using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Api.Rmas;

/// <summary>A return to authorize.</summary>
/// <param name="RmaId">The RMA's id (1-64 letters, digits, '-' or '_'), or none: the server then chooses one, <c>RMA-</c> and
/// 16 hex digits, and answers with it in the body and the Location header.</param>
public sealed record CreateRmaRequest(
    string? RmaId,
    string OrderReference,
    RmaChannel? Channel,
    string CustomerRegion,
    string ExpectedWarehouse,
    RefundPolicy? RefundPolicy,
    IReadOnlyList<RmaLineRequest>? Lines);

public sealed record RmaLineRequest(string Sku, int Quantity, string ReasonCode, string? Serial = null, decimal? UnitValue = null);

/// <summary>What a CSV import did: the RMAs created, and each bad row with its line number and the reason.</summary>
public sealed record RmaImportResult(int Rows, int ImportedRows, IReadOnlyList<string> Imported, IReadOnlyList<RmaImportError> Errors);

public sealed record RmaImportError(int Row, string? RmaId, string Message);
