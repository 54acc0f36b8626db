using Tracking.Grains.Interfaces.Locations;

namespace Tracking.Grains.Locations;

/// <summary>
/// How locations stored their contents before they had rows of their own (<see cref="ILocationContentsStore"/>): one
/// grain-state payload holding every item, rewritten whole on each write. Kept only so that a location activating
/// with such a payload moves it to the rows and clears it; nothing writes this shape any more.
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
