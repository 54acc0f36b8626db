using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tracking.Api.Auth;

namespace Tracking.Api.System;

public static class SystemEndpoints
{
    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/system").WithTags("System").RequireAuthorization(Policies.View);
        group.MapGet("/info", (SystemInfo info) => TypedResults.Ok(info))
            .WithSummary("Which cluster, storage and broker modes this silo runs");
        group.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new
        {
            Name = user.CallerName(),
            Roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
        })).WithSummary("Who the caller is and which roles they hold");
        return app;
    }
}
