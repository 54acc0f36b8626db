using System.Collections.Frozen;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Warehouses;

/// <summary>
/// The seeded site, indexed for the lookups the hot path makes (reader → warehouse, location → zone type).
/// A singleton in every silo: layouts change rarely and every silo loads the same seed, so no grain hop is needed.
/// </summary>
public sealed class SiteCatalog
{
    private readonly FrozenDictionary<string, WarehouseDefinition> _warehouses;
    private readonly FrozenDictionary<string, (WarehouseDefinition Warehouse, ReaderDefinition Reader)> _readers;
    private readonly FrozenDictionary<string, (WarehouseDefinition Warehouse, AgvDefinition Agv)> _agvs;
    private readonly FrozenDictionary<string, LocationDefinition> _locations;

    public SiteCatalog(SiteDefinition site)
    {
        ArgumentNullException.ThrowIfNull(site);
        Site = site;
        _warehouses = site.Warehouses.ToFrozenDictionary(w => w.Code, StringComparer.OrdinalIgnoreCase);
        _readers = site.Warehouses
            .SelectMany(w => w.Layout.Readers.Select(r => (Key: r.ReaderId, Value: (w, r))))
            .ToFrozenDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase);
        _agvs = site.Warehouses
            .SelectMany(w => w.Layout.Agvs.Select(a => (Key: a.AgvId, Value: (w, a))))
            .ToFrozenDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase);
        _locations = site.Warehouses
            .SelectMany(w => w.Layout.Locations.Select(l => (Key: LocationId(w.Code, l.Code), Value: l)))
            .ToFrozenDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase);
    }

    public SiteDefinition Site { get; }

    public IEnumerable<WarehouseDefinition> Warehouses => Site.Warehouses;

    public IEnumerable<RegionDefinition> Regions => Site.Regions;

    /// <summary>The grain key of a location: <c>{warehouse}/{code}</c>.</summary>
    public static string LocationId(string warehouse, string code) => $"{warehouse}/{code}";

    public WarehouseDefinition? FindWarehouse(string code) => _warehouses.GetValueOrDefault(code);

    public LocationDefinition? FindLocation(string warehouse, string code)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(code);

        // Every item change looks its location up: the key is put together on the stack, not as a new string.
        var length = warehouse.Length + 1 + code.Length;
        if (length > 256)
        {
            return _locations.GetValueOrDefault(LocationId(warehouse, code));
        }

        Span<char> key = stackalloc char[length];
        warehouse.CopyTo(key);
        key[warehouse.Length] = '/';
        code.CopyTo(key[(warehouse.Length + 1)..]);
        return _locations.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var found) ? found : null;
    }

    public (WarehouseDefinition Warehouse, ReaderDefinition Reader)? FindReader(string readerId) =>
        _readers.TryGetValue(readerId, out var found) ? found : null;

    /// <summary>As <see cref="FindReader(string)"/>, for an id still inside an MQTT topic.</summary>
    public (WarehouseDefinition Warehouse, ReaderDefinition Reader)? FindReader(ReadOnlySpan<char> readerId) =>
        _readers.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(readerId, out var found) ? found : null;

    public (WarehouseDefinition Warehouse, AgvDefinition Agv)? FindAgv(string agvId) =>
        _agvs.TryGetValue(agvId, out var found) ? found : null;

    public IEnumerable<WarehouseDefinition> WarehousesInRegion(string region) =>
        Site.Warehouses.Where(w => string.Equals(w.Region, region, StringComparison.OrdinalIgnoreCase));
}
