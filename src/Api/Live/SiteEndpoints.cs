using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tracking.Api.Auth;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Live;

/// <summary>The site as the maps draw it: the warehouse picker and each floor's geometry (static per deployment).</summary>
public static class SiteEndpoints
{
    // Enum names, not numbers: the web UI colours zones by type name.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static IEndpointRouteBuilder MapSiteEndpoints(this IEndpointRouteBuilder app)
    {
        var site = app.MapGroup("/api/site").WithTags("Live").RequireAuthorization(Policies.View);
        site.MapGet("/", (SiteCatalog catalog) => TypedResults.Json(
                new SiteSummary(
                    [.. catalog.Regions.Select(r => new RegionSummary(r.Code, r.Name, r.HubWarehouse, [.. catalog.WarehousesInRegion(r.Code).Select(w => w.Code)]))],
                    [.. catalog.Warehouses.Select(w => new WarehouseListing(w.Code, w.Name, w.Region))],
                    catalog.Site.Lanes),
                Json))
            .WithSummary("Regions, warehouses and lanes: what the control room can watch");

        var warehouses = app.MapGroup("/api/warehouses").WithTags("Live").RequireAuthorization(Policies.View);
        warehouses.MapGet("/{code}/layout", Results<JsonHttpResult<Grains.Interfaces.Warehouses.WarehouseDefinition>, NotFound<string>> (string code, SiteCatalog catalog) =>
                catalog.FindWarehouse(code) is { } warehouse
                    ? TypedResults.Json(warehouse, Json)
                    : TypedResults.NotFound($"Unknown warehouse '{code}'."))
            .WithSummary("A warehouse's floor: zones, locations, RFID gates, AGV nodes and AGVs, in metres");
        return app;
    }
}

public sealed record SiteSummary(
    IReadOnlyList<RegionSummary> Regions,
    IReadOnlyList<WarehouseListing> Warehouses,
    IReadOnlyList<Grains.Interfaces.Warehouses.LaneDefinition> Lanes);

public sealed record RegionSummary(string Code, string Name, string HubWarehouse, IReadOnlyList<string> Warehouses);

public sealed record WarehouseListing(string Code, string Name, string Region);
