using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Orleans;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Rmas;

/// <summary>Return authorizations: create one, import many from CSV, read one.</summary>
public static class RmaEndpoints
{
    /// <summary>Imports larger than this are refused before reading (split the file).</summary>
    public const long MaxImportBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapRmaEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rmas").WithTags("RMAs").RequireAuthorization(Policies.View);
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.Manage)
            .WithSummary("Authorize a return: channel, order, customer region, expected warehouse, lines and refund policy");
        group.MapPost("/import", ImportAsync).RequireAuthorization(Policies.Manage)
            .Accepts<string>("text/csv")
            .WithSummary("Import RMAs from CSV (one row per line); bad rows are reported by line number, valid rows are imported");
        group.MapGet("/{id}", GetAsync).WithSummary("An RMA with what has been received per line");
        return app;
    }

    private static async Task<Results<Created<RmaSnapshot>, ValidationProblem>> CreateAsync(CreateRmaRequest request, ClaimsPrincipal user, IGrainFactory grains, SiteCatalog site)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.RmaId is { } requested && !ValidId(requested))
        {
            errors["rmaId"] = ["an RMA id is 1-64 letters, digits, '-' or '_'."];
        }

        if (request.Channel is not { } channel || !Enum.IsDefined(channel))
        {
            errors["channel"] = [$"channel is required: {string.Join(", ", Enum.GetNames<RmaChannel>())}."];
        }

        if (request.RefundPolicy is not { } policy || !Enum.IsDefined(policy))
        {
            errors["refundPolicy"] = [$"refundPolicy is required: {string.Join(", ", Enum.GetNames<RefundPolicy>())}."];
        }

        if (string.IsNullOrWhiteSpace(request.ExpectedWarehouse) || site.FindWarehouse(request.ExpectedWarehouse) is null)
        {
            errors["expectedWarehouse"] = [$"warehouse '{request.ExpectedWarehouse}' does not exist."];
        }

        if (request.Lines is not { Count: > 0 })
        {
            errors["lines"] = ["at least one line is required."];
        }
        else if (request.Lines.Any(l => l is null))
        {
            errors["lines"] = ["every line must be an object with sku, quantity and reasonCode (null is not a line)."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var command = new CreateRma(
            request.OrderReference?.Trim() ?? "",
            request.Channel!.Value,
            request.CustomerRegion?.Trim() ?? "",
            request.ExpectedWarehouse.Trim(),
            request.RefundPolicy!.Value,
            [.. request.Lines!.Select(l => new RmaLine(l.Sku?.Trim() ?? "", l.Quantity, l.ReasonCode?.Trim().ToUpperInvariant() ?? "", string.IsNullOrWhiteSpace(l.Serial) ? null : l.Serial.Trim(), l.UnitValue))],
            Actor.User(user.CallerName()));
        var (id, rma) = request.RmaId?.Trim() is { } given
            ? (given, await grains.Reference<IRmaGrain>(given).CreateAsync(command))
            : await RmaIds.CreateUnderFreshIdAsync(RmaIds.New, fresh => grains.Reference<IRmaGrain>(fresh).CreateAsync(command));
        return TypedResults.Created($"/api/rmas/{Uri.EscapeDataString(id)}", rma);
    }

    private static async Task<Results<Ok<RmaImportResult>, ValidationProblem>> ImportAsync(HttpRequest request, ClaimsPrincipal user, IGrainFactory grains, SiteCatalog site)
    {
        if (request.ContentLength > MaxImportBytes)
        {
            return Problems.Invalid("file", $"the import is larger than {MaxImportBytes / (1024 * 1024)} MB: split it.");
        }

        string text;
        using (var reader = new StreamReader(request.Body))
        {
            var buffer = new char[MaxImportBytes + 1];
            var read = await reader.ReadBlockAsync(buffer.AsMemory(), request.HttpContext.RequestAborted);
            if (read > MaxImportBytes)
            {
                return Problems.Invalid("file", $"the import is larger than {MaxImportBytes / (1024 * 1024)} MB: split it.");
            }

            text = new string(buffer, 0, read);
        }

        var actor = Actor.User(user.CallerName());
        var parsed = RmaCsvParser.Parse(text, code => site.FindWarehouse(code) is not null, actor);
        var errors = parsed.Errors.ToList();
        var imported = new List<string>();
        var importedRows = 0;
        foreach (var rma in parsed.Rmas)
        {
            if (!ValidId(rma.RmaId))
            {
                errors.AddRange(rma.Rows.Select(r => new RmaImportError(r, rma.RmaId, "rma_id must be 1-64 letters, digits, '-' or '_'")));
                continue;
            }

            try
            {
                await grains.Reference<IRmaGrain>(rma.RmaId).CreateAsync(rma.Command);
                imported.Add(rma.RmaId);
                importedRows += rma.Rows.Count;
            }
            catch (DomainException ex)
            {
                errors.AddRange(rma.Rows.Select(r => new RmaImportError(r, rma.RmaId, ex.Message)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !request.HttpContext.RequestAborted.IsCancellationRequested)
            {
                // A timeout or a storage fault on one RMA: the file goes on, and the answer says which to import again
                // (the RMAs created so far must be reported, not lost behind a 500).
                errors.AddRange(rma.Rows.Select(r => new RmaImportError(r, rma.RmaId, $"not stored ({ex.GetType().Name}: {ex.Message}); import this RMA again")));
            }
        }

        return TypedResults.Ok(new RmaImportResult(parsed.Rows, importedRows, imported, [.. errors.OrderBy(e => e.Row)]));
    }

    private static async Task<Results<Ok<RmaSnapshot>, ValidationProblem>> GetAsync(string id, IGrainFactory grains)
    {
        if (!ValidId(id))
        {
            return Problems.Invalid("id", "an RMA id is 1-64 letters, digits, '-' or '_'.");
        }

        var rma = await grains.Reference<IRmaGrain>(id).GetAsync()
            ?? throw DomainException.NotFound("rma-not-found", $"RMA {id} does not exist.");
        return TypedResults.Ok(rma);
    }

    private static bool ValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
