using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using System.Security.Claims;
using Tracking.Api.Auth;
using Tracking.Api.Transfers;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Regions;

public static class RegionEndpoints
{
    public static IEndpointRouteBuilder MapRegionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/regions").WithTags("Regions").RequireAuthorization(Policies.View);
        group.MapGet("/", ListAsync)
            .WithSummary("Regions with their hub, member warehouses and number of open transfers");
        group.MapGet("/{code}/backlog", BacklogAsync)
            .WithSummary("The region map: backlog per warehouse and stage against daily capacity, capability gaps, lanes, and transfers under way with from/to");
        group.MapPost("/{code}/plan", PlanAsync)
            .RequireAuthorization(Policies.Manage)
            .WithSummary("Plan transfers now: each proposal becomes a Planned transfer (or Approved, if the auto-approve policy allows) and says why");
        return app;
    }

    private static async Task<JsonHttpResult<RegionSummary[]>> ListAsync(IGrainFactory grains, SiteCatalog site)
    {
        var regions = await Task.WhenAll(site.Regions.Select(r => grains.Reference<IRegionalHubGrain>(r.Code).GetSummaryAsync()));
        return TypedResults.Json(regions, TransferJson.Options);
    }

    private static async Task<Results<JsonHttpResult<RegionBacklog>, ProblemHttpResult>> BacklogAsync(string code, IGrainFactory grains, SiteCatalog site)
    {
        if (Find(site, code) is not { } region)
        {
            return UnknownRegion(code);
        }

        return TypedResults.Json(await grains.Reference<IRegionalHubGrain>(region).GetBacklogAsync(), TransferJson.Options);
    }

    private static async Task<Results<JsonHttpResult<RegionPlan>, ProblemHttpResult>> PlanAsync(string code, IGrainFactory grains, SiteCatalog site, ClaimsPrincipal user)
    {
        if (Find(site, code) is not { } region)
        {
            return UnknownRegion(code);
        }

        var plan = await grains.Reference<IRegionalHubGrain>(region).PlanAsync(Actor.User(user.CallerName()));
        return TypedResults.Json(plan, TransferJson.Options);
    }

    /// <summary>The region's code as the site spells it: grain keys are case-sensitive, URLs are not.</summary>
    private static string? Find(SiteCatalog site, string code) =>
        site.Regions.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase))?.Code;

    private static ProblemHttpResult UnknownRegion(string code) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Region '{code}' does not exist.", type: "https://tracking.dev/problems/region-not-found");
}
