using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Tracking.Grains.Interfaces.Common;

namespace Tracking.Api.Common;

/// <summary>Turns a <see cref="DomainException"/> from a grain into ProblemDetails: 400, 404 or 409 with the rule's code.</summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not DomainException domain)
        {
            return false;
        }

        var status = domain.Kind switch
        {
            DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
            DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        };
        httpContext.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = domain.Kind switch
            {
                DomainErrorKind.NotFound => "Not found",
                DomainErrorKind.Conflict => "Not allowed in the current state",
                _ => "Invalid request",
            },
            Detail = domain.Message,
            Type = $"https://tracking.dev/problems/{domain.Code}",
        };
        problem.Extensions["code"] = domain.Code;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
