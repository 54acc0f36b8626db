using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Interfaces.Items;

/// <summary>
/// One row of a warehouse's disposition table: when every condition that is set matches, the item gets
/// <see cref="Disposition"/> and goes to <see cref="TargetZone"/> (or the disposition's usual zone). Rows are tried in order.
/// A null or empty condition matches anything.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DispositionRule(
    [property: Id(0)] Disposition Disposition,
    [property: Id(1)] IReadOnlyList<Grade>? Grades = null,
    [property: Id(2)] IReadOnlyList<string>? Reasons = null,
    [property: Id(3)] IReadOnlyList<string>? Categories = null,
    [property: Id(4)] bool? VendorReturnEligible = null,
    [property: Id(5)] decimal? MinValue = null,
    [property: Id(6)] decimal? MaxValue = null,
    [property: Id(7)] ZoneType? TargetZone = null,
    [property: Id(8)] string? Name = null);
