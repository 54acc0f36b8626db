using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;

namespace Tracking.Api.Items;

/// <summary>Returned items: receive, grade, disposition, hold/release, and read state, history and EPCIS.</summary>
public static class ItemEndpoints
{
    public static IEndpointRouteBuilder MapItemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/items").WithTags("Items").RequireAuthorization(Policies.View);

        group.MapPost("/{id}/receive", ReceiveAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("Receive an item scanned at a receiving location (matched to its RMA; unknown items are flagged for review)");
        group.MapPost("/{id}/grade", GradeAsync).RequireAuthorization(Policies.Inspect)
            .WithSummary("Record the inspector's grade (A-D), notes and photos");
        group.MapPost("/{id}/disposition", DispositionAsync).RequireAuthorization(Policies.Inspect)
            .WithSummary("Decide the disposition by the warehouse's rules, or override it with a reason (audited)");
        group.MapPost("/{id}/hold", HoldAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("Put the item on hold (quarantine) with a reason");
        group.MapPost("/{id}/release", ReleaseAsync).RequireAuthorization(Policies.Operate)
            .WithSummary("Release a held item back to where it was in its lifecycle");
        group.MapGet("/", ItemSearch.SearchAsync)
            .WithSummary("Find items by SKU (on the floor of one or every warehouse) or by RMA, bounded by limit (default 50, at most 200)");
        group.MapGet("/{id}", GetAsync).WithSummary("The item's current state");
        group.MapGet("/{id}/history", HistoryAsync).WithSummary("The item's chain of custody, oldest first");
        group.MapGet("/{id}/epcis", EpcisAsync).WithSummary("The item's events as a GS1 EPCIS 2.0 JSON-LD document");
        return app;
    }

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> ReceiveAsync(string id, ReceiveRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        if (string.IsNullOrWhiteSpace(request.Warehouse) || string.IsNullOrWhiteSpace(request.Location))
        {
            return Problems.Invalid("location", "warehouse and location are required.");
        }

        var item = Grain(grains, id);
        return TypedResults.Ok(await item.ReceiveAsync(new ReceiveItem(request.Warehouse.Trim(), request.Location.Trim(), Actor(user), Blank(request.RmaId), Blank(request.Sku))));
    }

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> GradeAsync(string id, GradeRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        if (request.Grade is not { } grade || !Enum.IsDefined(grade))
        {
            return Problems.Invalid("grade", "grade is required: A, B, C or D.");
        }

        if (request.PhotoUrls?.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) == true)
        {
            return Problems.Invalid("photoUrls", "every photo URL must be an absolute http(s) URL.");
        }

        if (request.Value is < 0)
        {
            return Problems.Invalid("value", "value cannot be negative.");
        }

        var command = new GradeItem(grade, Actor(user), Blank(request.Notes), request.PhotoUrls, Blank(request.Category), request.Value, request.VendorReturnEligible);
        return TypedResults.Ok(await Grain(grains, id).GradeAsync(command));
    }

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> DispositionAsync(string id, DispositionRequest? request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        if (request?.Override is { } chosen && (!Enum.IsDefined(chosen) || string.IsNullOrWhiteSpace(request.OverrideReason)))
        {
            return Problems.Invalid("overrideReason", "an override needs a known disposition and a reason (it is audited).");
        }

        return TypedResults.Ok(await Grain(grains, id).DispositionAsync(new DispositionItem(Actor(user), request?.Override, Blank(request?.OverrideReason))));
    }

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> HoldAsync(string id, HoldRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            return Problems.Invalid("reason", "a hold needs a reason.");
        }

        return TypedResults.Ok(await Grain(grains, id).HoldAsync(Actor(user), request.Reason.Trim()));
    }

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> ReleaseAsync(string id, ClaimsPrincipal user, IGrainFactory grains) =>
        Invalid(id) is { } bad ? bad : TypedResults.Ok(await Grain(grains, id).ReleaseAsync(Actor(user)));

    private static async Task<Results<Ok<ItemSnapshot>, ValidationProblem>> GetAsync(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        var item = await Grain(grains, id).GetAsync();
        return TypedResults.Ok(item ?? throw NotFound(id));
    }

    private static async Task<Results<Ok<IReadOnlyList<ItemEvent>>, ValidationProblem>> HistoryAsync(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        var grain = Grain(grains, id);
        _ = await grain.GetAsync() ?? throw NotFound(id);
        return TypedResults.Ok(await grain.GetHistoryAsync());
    }

    private static async Task<Results<Ok<JsonObject>, ValidationProblem>> EpcisAsync(string id, IGrainFactory grains, TimeProvider time)
    {
        if (Invalid(id) is { } bad)
        {
            return bad;
        }

        var grain = Grain(grains, id);
        var item = await grain.GetAsync() ?? throw NotFound(id);
        return TypedResults.Ok(EpcisExport.Document(item, await grain.GetHistoryAsync(), time.GetUtcNow()));
    }

    private static IReturnedItemGrain Grain(IGrainFactory grains, string id) => grains.Reference<IReturnedItemGrain>(ItemIds.Normalize(id));

    private static Actor Actor(ClaimsPrincipal user) => Grains.Interfaces.Common.Actor.User(user.CallerName());

    private static ValidationProblem? Invalid(string id) =>
        ItemIds.IsValid(id) ? null : Problems.Invalid("id", $"an item id is 1-{ItemIds.MaxLength} printable characters without '/'.");

    private static DomainException NotFound(string id) =>
        DomainException.NotFound("item-not-found", $"Item {ItemIds.Normalize(id)} is not known.");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
