using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Locations;

/// <summary>
/// What a location holds. A projection of the items' own state (they are the truth and re-place themselves on
/// activation), so it is written in batches with the warehouse push rather than on every item event.
/// </summary>
[GenerateSerializer]
public sealed record LocationState
{
    [Id(0)]
    public Dictionary<string, LocationItem> Items { get; init; } = new(StringComparer.Ordinal);

    [Id(1)]
    public HashSet<string> Reservations { get; init; } = new(StringComparer.Ordinal);

    [Id(2)]
    public long Version { get; set; }
}
