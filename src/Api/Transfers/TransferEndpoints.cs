using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Api.Items;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Transfers;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Transfers;

public static class TransferEndpoints
{
    private const int MaxItemsPerRequest = 5000;

    public static IEndpointRouteBuilder MapTransferEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/transfers").WithTags("Transfers").RequireAuthorization(Policies.View);
        group.MapGet("/", ListAsync)
            .WithSummary("Transfers of every region, newest first; ?status=Planned|Approved|Staged|InTransit|Arrived|Received|Closed|Cancelled");
        group.MapGet("/{id}", GetAsync)
            .WithSummary("One transfer: items and their state, proposal and its reasons, ETA, history");

        var manage = group.MapGroup(string.Empty).RequireAuthorization(Policies.Manage);
        manage.MapPost("/", CreateAsync)
            .WithSummary("Create a transfer by hand (Planned); it still needs approval. Send an Idempotency-Key header to make a retry return the same transfer");
        manage.MapPost("/{id}/approve", (string id, ApproveTransferRequest? body, IGrainFactory grains, ClaimsPrincipal user) =>
                RunAsync(id, grains, t => t.ApproveAsync(Caller(user), body?.Note)))
            .WithSummary("Approve a Planned transfer");
        manage.MapPost("/{id}/reject", RejectAsync)
            .WithSummary("Reject a Planned transfer or cancel an Approved one (before items are staged)");
        manage.MapPost("/{id}/stage", StageAsync)
            .WithSummary("Stage items of the origin at one of its Outbound locations");
        manage.MapPost("/{id}/dispatch", (string id, IGrainFactory grains, ClaimsPrincipal user) =>
                RunAsync(id, grains, t => t.DispatchAsync(Caller(user))))
            .WithSummary("Confirm departure by hand (without an outbound gate read): every staged item leaves now");
        manage.MapPost("/{id}/receive", ReceiveAsync)
            .WithSummary("Finish receiving: scanned items arrive (unknown ones are flagged unexpected), the rest are marked missing at once");
        manage.MapPost("/{id}/close", (string id, CloseTransferRequest? body, IGrainFactory grains, ClaimsPrincipal user) =>
                RunAsync(id, grains, t => t.CloseAsync(Caller(user), body?.Note)))
            .WithSummary("Close a Received transfer once its discrepancies are dealt with");
        return app;
    }

    private static async Task<Results<JsonHttpResult<TransferSummary[]>, ValidationProblem>> ListAsync(string? status, IGrainFactory grains, SiteCatalog site)
    {
        TransferStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!EnumNames.TryParse<TransferStatus>(status, out var parsed))
            {
                return Problems.Invalid("status", $"'{status}' is not a transfer status; use one of {string.Join(", ", Enum.GetNames<TransferStatus>())}.");
            }

            wanted = parsed;
        }

        // Each hub knows the transfers touching its region; a cross-region transfer is in both, so keep the newest copy.
        var lists = await Task.WhenAll(site.Regions.Select(r => grains.Reference<IRegionalHubGrain>(r.Code).GetTransfersAsync(wanted)));
        var merged = lists.SelectMany(l => l)
            .GroupBy(t => t.TransferId)
            .Select(g => g.MaxBy(t => t.Version)!)
            .OrderByDescending(t => t.UpdatedAt)
            .ToArray();
        return TypedResults.Json(merged, TransferJson.Options);
    }

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ProblemHttpResult, ValidationProblem>> GetAsync(string id, IGrainFactory grains)
    {
        if (!TransferIds.IsValid(id))
        {
            return InvalidId(id);
        }

        return await grains.Reference<ITransferGrain>(id).GetAsync() is { } transfer
            ? TypedResults.Json(transfer, TransferJson.Options)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Transfer {id} does not exist.", type: "https://tracking.dev/problems/transfer-not-found");
    }

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ValidationProblem>> CreateAsync(CreateTransferRequest body, IGrainFactory grains, SiteCatalog site, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        var from = site.FindWarehouse(body.From ?? string.Empty);
        var to = site.FindWarehouse(body.To ?? string.Empty);
        if (from is null)
        {
            errors["from"] = [$"'{body.From}' is not a warehouse."];
        }

        if (to is null)
        {
            errors["to"] = [$"'{body.To}' is not a warehouse."];
        }

        if (!EnumNames.TryParse<BacklogStage>(body.Stage, out var stage))
        {
            errors["stage"] = [$"'{body.Stage}' is not a stage; use one of {string.Join(", ", Enum.GetNames<BacklogStage>())}."];
        }

        if (body.Quantity <= 0)
        {
            errors["quantity"] = ["Quantity must be positive."];
        }

        if (from is not null && to is not null && !site.Site.Lanes.Any(l => l.From == from.Code && l.To == to.Code))
        {
            errors["to"] = [$"There is no lane from {from.Code} to {to.Code}."];
        }

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 200 || (http.Request.Headers.ContainsKey("Idempotency-Key") && string.IsNullOrWhiteSpace(key)))
        {
            errors["Idempotency-Key"] = ["An Idempotency-Key is 1-200 characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        // With an Idempotency-Key a client that retries after a timeout gets the transfer it already made (same key, same
        // request) instead of a second one that would double-book the lane; the same key for another request is a 409.
        var id = key.Length > 0 ? TransferIds.FromIdempotencyKey(http.User.CallerName(), key) : TransferIds.New(DateTimeOffset.UtcNow);
        var transfer = await grains.Reference<ITransferGrain>(id).CreateAsync(new CreateTransfer(from!.Code, to!.Code, stage, body.Quantity, Caller(http.User), Note: body.Note));
        http.Response.Headers.Location = $"/api/transfers/{id}";
        return TypedResults.Json(transfer, TransferJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ValidationProblem>> RejectAsync(string id, RejectTransferRequest body, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            return Problems.Invalid("reason", "Say why the transfer is rejected.");
        }

        return await RunAsync(id, grains, t => t.RejectAsync(Caller(user), body.Reason));
    }

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ValidationProblem>> StageAsync(string id, StageTransferRequest body, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (body.Items is not { Count: > 0 } items || items.Any(string.IsNullOrWhiteSpace))
        {
            return Problems.Invalid("items", "Name the items to stage (non-empty ids).");
        }

        if (InvalidItems(items) is { } invalid)
        {
            return invalid;
        }

        if (string.IsNullOrWhiteSpace(body.Location))
        {
            return Problems.Invalid("location", "Name the Outbound location to stage at (e.g. DOCK-OUT-01).");
        }

        return await RunAsync(id, grains, t => t.StageAsync(ItemIdsOf(items), body.Location, Caller(user)));
    }

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ValidationProblem>> ReceiveAsync(string id, ReceiveTransferRequest? body, IGrainFactory grains, ClaimsPrincipal user)
    {
        if (InvalidItems(body?.Items) is { } invalid)
        {
            return invalid;
        }

        return await RunAsync(id, grains, t => t.ReceiveAsync(new ReceiveTransfer(Caller(user), ItemIdsOf(body?.Items), body?.Location)));
    }

    /// <summary>A scanner's list is checked like any item id at the edge (and bounded): a bad one changes nothing.</summary>
    private static ValidationProblem? InvalidItems(IReadOnlyList<string?>? ids)
    {
        if (ids is { Count: > MaxItemsPerRequest })
        {
            return Problems.Invalid("items", $"At most {MaxItemsPerRequest} items per request.");
        }

        var bad = ids?.Where(i => !string.IsNullOrWhiteSpace(i) && !ItemIds.IsValid(i)).Take(5).ToArray() ?? [];
        return bad.Length == 0
            ? null
            : Problems.Invalid("items", $"Not item ids (at most {ItemIds.MaxLength} characters, no '/' or control characters): {string.Join(", ", bad.Select(b => $"'{b![..Math.Min(b!.Length, 40)]}'"))}.");
    }

    /// <summary>Scanned ids as the items are keyed: an EPC read in lower case names the same item as in upper case.</summary>
    private static List<string> ItemIdsOf(IReadOnlyList<string?>? ids) =>
        ids is null ? [] : [.. ids.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => ItemIds.Normalize(i!))];

    private static async Task<Results<JsonHttpResult<TransferSnapshot>, ValidationProblem>> RunAsync(string id, IGrainFactory grains, Func<ITransferGrain, Task<TransferSnapshot>> step)
    {
        if (!TransferIds.IsValid(id))
        {
            return Problems.Invalid("id", $"'{id}' is not a transfer id.");
        }

        return TypedResults.Json(await step(grains.Reference<ITransferGrain>(id)), TransferJson.Options);
    }

    private static ValidationProblem InvalidId(string id) => Problems.Invalid("id", $"'{id}' is not a transfer id.");

    private static Actor Caller(ClaimsPrincipal user) => Actor.User(user.CallerName());
}
