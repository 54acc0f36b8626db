using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Locations;

/// <summary>Putaway candidates: the locations of a zone type, nearest first to where the item is now.</summary>
public static class PutawayPlanner
{
    public static IReadOnlyList<LocationDefinition> Rank(WarehouseLayout layout, string? fromLocation, ZoneType zone)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var from = layout.Locations.FirstOrDefault(l => string.Equals(l.Code, fromLocation, StringComparison.OrdinalIgnoreCase));
        var (x, y) = from is null ? (0d, 0d) : (from.Area.CenterX, from.Area.CenterY);
        return layout.Locations
            .Where(l => l.Type == zone)
            .OrderBy(l => Distance(x, y, l.Area))
            .ThenBy(l => l.Code, StringComparer.Ordinal)
            .ToList();
    }

    private static double Distance(double x, double y, MapRect area) => Math.Sqrt(Math.Pow(area.CenterX - x, 2) + Math.Pow(area.CenterY - y, 2));
}
