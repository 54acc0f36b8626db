using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Items;

/// <summary>
/// <c>GET /api/items?sku=&amp;rma=&amp;warehouse=&amp;limit=</c>: find items without a hot grain and without touching every
/// item. By RMA it reads that one RMA grain's lines (received units and announced serials). By SKU it asks the
/// locations of the warehouse (or of every warehouse) for that SKU: work grows with the site's layout and the result
/// limit, never with the number of items. Items that are on no location (announced but not arrived, in a truck between
/// warehouses) are found by their RMA. See docs/decisions/0007-item-search.md.
/// </summary>
public static class ItemSearch
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    public const int MaxSkuLength = 64;

    /// <summary>Grain calls in flight for one search: enough to hide latency, few enough not to flood the silo.</summary>
    private const int Parallelism = 16;

    private static readonly Meter Meter = new("Tracking");

    private static readonly Counter<long> Searches = Meter.CreateCounter<long>(
        "tracking.api.item_searches", description: "Item searches, by what they searched by");

    private static readonly Counter<long> GrainReads = Meter.CreateCounter<long>(
        "tracking.api.item_search_grain_reads", description: "Location, RMA and item grains read by item searches");

    public static async Task<Results<Ok<ItemSearchResult>, ValidationProblem>> SearchAsync(
        string? sku, string? rma, string? warehouse, int? limit, IGrainFactory grains, SiteCatalog site, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        sku = string.IsNullOrWhiteSpace(sku) ? null : sku.Trim();
        rma = string.IsNullOrWhiteSpace(rma) ? null : rma.Trim();
        warehouse = string.IsNullOrWhiteSpace(warehouse) ? null : warehouse.Trim();
        if (sku is null && rma is null)
        {
            errors["sku"] = ["give sku or rma (or both): a search without either would have to read every item."];
        }

        if (sku is not null && (sku.Length > MaxSkuLength || sku.Any(char.IsControl)))
        {
            errors["sku"] = [$"a SKU is 1-{MaxSkuLength} printable characters."];
        }

        if (rma is not null && (rma.Length > 64 || !rma.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            errors["rma"] = ["an RMA id is 1-64 letters, digits, '-' or '_'."];
        }

        var warehouseDefinition = warehouse is null ? null : site.FindWarehouse(warehouse);
        if (warehouse is not null && warehouseDefinition is null)
        {
            errors["warehouse"] = [$"warehouse '{warehouse}' does not exist."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit is 1-{MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var max = limit ?? DefaultLimit;
        var warehouseCode = warehouseDefinition?.Code;
        Searches.Add(1, new KeyValuePair<string, object?>("by", rma is not null ? "rma" : "sku"));
        var result = rma is not null
            ? await ByRmaAsync(rma, sku, warehouseCode, max, grains, cancellationToken)
            : await BySkuAsync(sku!, warehouseDefinition is null ? site.Warehouses : [warehouseDefinition], max, grains, cancellationToken);
        return TypedResults.Ok(result);
    }

    private static async Task<ItemSearchResult> ByRmaAsync(string rmaId, string? sku, string? warehouse, int limit, IGrainFactory grains, CancellationToken cancellationToken)
    {
        GrainReads.Add(1, new KeyValuePair<string, object?>("grain", "rma"));
        var rma = await grains.Reference<IRmaGrain>(rmaId).GetAsync();
        if (rma is null)
        {
            return new ItemSearchResult([], false);
        }

        var ids = rma.Lines
            .Where(l => sku is null || string.Equals(l.Line.Sku, sku, StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l.Line.Serial is { } serial ? l.Items.Append(ItemIds.Normalize(serial)) : l.Items)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        // Read in pages of the limit and stop once it is reached, so a large RMA filtered to one warehouse costs what
        // it must and no more.
        var found = new List<ItemSnapshot>();
        var read = 0;
        while (read < ids.Count && found.Count < limit)
        {
            var page = ids.Skip(read).Take(limit).ToList();
            read += page.Count;
            var snapshots = await ReadItemsAsync(page, grains, cancellationToken);
            found.AddRange(snapshots.Where(i => warehouse is null || string.Equals(i.Warehouse, warehouse, StringComparison.OrdinalIgnoreCase)));
        }

        return new ItemSearchResult([.. found.Take(limit)], found.Count > limit || read < ids.Count);
    }

    private static async Task<ItemSearchResult> BySkuAsync(string sku, IEnumerable<WarehouseDefinition> warehouses, int limit, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var locations = warehouses
            .SelectMany(w => w.Layout.Locations.Select(l => SiteCatalog.LocationId(w.Code, l.Code)))
            .ToList();
        var matches = new ConcurrentBag<string>();

        // Each location returns at most limit + 1, so the merge knows whether anything was left out.
        await Parallel.ForEachAsync(
            locations,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (location, _) =>
            {
                foreach (var item in await grains.Reference<ILocationGrain>(location).FindBySkuAsync(sku, limit + 1))
                {
                    matches.Add(item.ItemId);
                }
            });
        GrainReads.Add(locations.Count, new KeyValuePair<string, object?>("grain", "location"));

        var ids = matches.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var items = await ReadItemsAsync(ids.Take(limit), grains, cancellationToken);

        // A location is a projection of its items: trust the item for where it is now and what it is.
        return new ItemSearchResult([.. items.Where(i => string.Equals(i.Sku, sku, StringComparison.OrdinalIgnoreCase))], ids.Count > limit);
    }

    private static async Task<IReadOnlyList<ItemSnapshot>> ReadItemsAsync(IEnumerable<string> ids, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var list = ids.ToList();
        var snapshots = new ItemSnapshot?[list.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, list.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, _) => snapshots[i] = await grains.Reference<IReturnedItemGrain>(list[i]).GetAsync());
        GrainReads.Add(list.Count, new KeyValuePair<string, object?>("grain", "item"));
        return [.. snapshots.OfType<ItemSnapshot>()];
    }
}

/// <summary>Items found, in item-id order; <see cref="Truncated"/> when the limit stopped the search (more may match: narrow it).</summary>
public sealed record ItemSearchResult(IReadOnlyList<ItemSnapshot> Items, bool Truncated);
