using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Grains.Outbox;

namespace Tracking.Api.Outbox;

/// <summary>Webhook messages the dispatcher gave up on (a refund the ERP never took): find them, send them again.</summary>
public static class OutboxEndpoints
{
    public static IEndpointRouteBuilder MapOutboxEndpoints(this IEndpointRouteBuilder app)
    {
        var outbox = app.MapGroup("/api/outbox").WithTags("Outbox").RequireAuthorization(Policies.Admin);
        outbox.MapGet("/parked", ListParkedAsync)
            .WithSummary("Webhook messages given up on (a 4xx answer, an unusable URL, or out of attempts), most recent first");
        outbox.MapPost("/{id:long}/retry", RetryAsync)
            .WithSummary("Puts a parked message back in the queue, due now, with all its attempts again");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<ParkedOutboxMessage>>, ValidationProblem>> ListParkedAsync(IOutboxStore store, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "limit must be between 1 and 1000.");
        }

        return TypedResults.Ok(await store.ListParkedAsync(limit ?? 100, cancellationToken));
    }

    private static async Task<Results<NoContent, NotFound<string>>> RetryAsync(long id, IOutboxStore store, CancellationToken cancellationToken) =>
        await store.RequeueAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.NotFound($"No parked outbox message has id {id} (delivered, still being tried, or unknown).");
}
