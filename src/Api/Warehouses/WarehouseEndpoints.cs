using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;
using Tracking.Api.Auth;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Warehouses;

/// <summary>Warehouses: the list, inventory counts and the inspection queue.</summary>
public static class WarehouseEndpoints
{
    public static IEndpointRouteBuilder MapWarehouseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/warehouses").WithTags("Warehouses").RequireAuthorization(Policies.View);
        group.MapGet("/", (SiteCatalog site) => TypedResults.Ok(site.Warehouses.Select(w => new WarehouseSummary(
                w.Code, w.Name, w.Region, w.Capabilities, w.InspectionSlaHours, w.Layout.Locations.Count, w.Layout.Locations.Sum(l => l.Capacity))).ToList()))
            .WithSummary("Every warehouse of the site with its region, capabilities and capacity");
        group.MapGet("/{code}/inventory", InventoryAsync)
            .WithSummary("Items per status, grade and disposition, and per location (staged aggregation: current within a second)");
        group.MapGet("/{code}/inspection-queue", QueueAsync)
            .WithSummary("Items waiting for inspection: highest priority first, then oldest; with due time and overdue flag");
        return app;
    }

    private static async Task<Ok<WarehouseInventory>> InventoryAsync(string code, SiteCatalog site, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Reference<IWarehouseGrain>(Known(site, code)).GetInventoryAsync());

    private static async Task<Ok<IReadOnlyList<InspectionQueueEntry>>> QueueAsync(string code, SiteCatalog site, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Reference<IWarehouseGrain>(Known(site, code)).GetInspectionQueueAsync());

    private static string Known(SiteCatalog site, string code) =>
        site.FindWarehouse(code)?.Code ?? throw DomainException.NotFound("warehouse-not-found", $"Warehouse '{code}' does not exist.");
}

public sealed record WarehouseSummary(string Code, string Name, string Region, IReadOnlyList<string> Capabilities, double InspectionSlaHours, int Locations, int Capacity);
