using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Warehouses;

/// <summary>Warehouses: the list, inventory counts, the inspection queue and the open alerts.</summary>
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
            .WithSummary("Items waiting for inspection: highest priority first, then oldest; with due time and overdue flag (the first `limit`, default 500, at most 5000)");
        group.MapGet("/{code}/alerts", AlertsAsync)
            .WithSummary("The warehouse's open alerts, most severe first, then newest");
        group.MapPost("/{code}/alerts/{alertId}/clear", ClearAlertAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("Clear an alert once its cause is dealt with (e.g. an unexpected tag reviewed, a failed transport redone)");
        return app;
    }

    private static async Task<Ok<WarehouseInventory>> InventoryAsync(string code, SiteCatalog site, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Reference<IWarehouseGrain>(Known(site, code)).GetInventoryAsync());

    private static async Task<Results<Ok<IReadOnlyList<InspectionQueueEntry>>, ValidationProblem>> QueueAsync(string code, int? limit, SiteCatalog site, IGrainFactory grains)
    {
        // A backlog of tens of thousands is not one response: an inspector's screen needs the head of the queue.
        if (limit is < 1 or > 5000)
        {
            return Problems.Invalid("limit", "limit must be between 1 and 5000.");
        }

        return TypedResults.Ok(await grains.Reference<IWarehouseGrain>(Known(site, code)).GetInspectionQueueAsync(limit ?? 500));
    }

    private static async Task<Ok<List<Alert>>> AlertsAsync(string code, SiteCatalog site, IGrainFactory grains) =>
        TypedResults.Ok((await grains.Reference<IAlertsGrain>(Known(site, code)).GetOpenAsync())
            .OrderByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt).ToList());

    private static async Task<NoContent> ClearAlertAsync(string code, string alertId, SiteCatalog site, IGrainFactory grains)
    {
        var alerts = grains.Reference<IAlertsGrain>(Known(site, code));
        if (!(await alerts.GetOpenAsync()).Any(a => a.AlertId == alertId))
        {
            throw DomainException.NotFound("alert-not-open", $"Warehouse {code} has no open alert '{alertId}'.");
        }

        await alerts.ClearAsync(alertId);
        return TypedResults.NoContent();
    }

    private static string Known(SiteCatalog site, string code) =>
        site.FindWarehouse(code)?.Code ?? throw DomainException.NotFound("warehouse-not-found", $"Warehouse '{code}' does not exist.");
}

public sealed record WarehouseSummary(string Code, string Name, string Region, IReadOnlyList<string> Capabilities, double InspectionSlaHours, int Locations, int Capacity);
