using System.Text.Json;
using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Outbox;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Rmas;

/// <summary>
/// One RMA. Receipts are counted per line (idempotent per item). When the refund policy is met for a unit, a refund-due
/// message is put in the durable outbox first (idempotent per key), then the RMA records it, so a crash in between repeats
/// nothing and loses nothing.
/// </summary>
public sealed partial class RmaGrain(
    [PersistentState("rma")] IPersistentState<RmaState> state,
    IOutboxStore outbox,
    SiteCatalog site,
    TimeProvider time,
    ILogger<RmaGrain> logger) : Grain, IRmaGrain
{
    public const string RefundDueTopic = "refund-due";

    // Integrators read camelCase JSON, like the REST API.
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private string RmaId => this.GetPrimaryKeyString();

    public async Task<RmaSnapshot> CreateAsync(CreateRma command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (state.State.Rma is { } existing)
        {
            throw DomainException.Conflict("rma-exists", $"RMA {RmaId} already exists (status {existing.Status}).");
        }

        var problems = RmaRules.Validate(command).ToList();
        if (site.FindWarehouse(command.ExpectedWarehouse) is null)
        {
            problems.Add($"expected warehouse '{command.ExpectedWarehouse}' does not exist");
        }

        if (problems.Count > 0)
        {
            throw DomainException.Invalid("invalid-rma", $"RMA {RmaId}: {string.Join("; ", problems)}.");
        }

        var now = time.GetUtcNow();
        var rma = new RmaSnapshot(
            RmaId,
            RmaStatus.Authorized,
            command.OrderReference,
            command.Channel,
            command.CustomerRegion,
            site.FindWarehouse(command.ExpectedWarehouse)!.Code,
            command.RefundPolicy,
            [.. command.Lines.Select((l, i) => new RmaLineStatus(i + 1, l with { Serial = l.Serial?.Trim().ToUpperInvariant() }, 0, []))],
            [],
            now,
            now,
            1);
        state.State = state.State with { Rma = rma };
        await state.WriteStateAsync();
        LogCreated(RmaId, rma.Lines.Count, command.Actor.ToString());

        // Units with a serial/EPC are announced to their item grains so a dock read recognises them.
        foreach (var line in rma.Lines.Where(l => l.Line.Serial is not null))
        {
            try
            {
                await GrainFactory.Reference<IReturnedItemGrain>(line.Line.Serial!).ExpectAsync(
                    RmaId, line.Line.Sku, line.Line.ReasonCode, rma.Channel.ToString(), rma.ExpectedWarehouse, RmaRules.Priority(rma.RefundPolicy, line.Line));
            }
            catch (DomainException ex)
            {
                LogExpectFailed(RmaId, line.Line.Serial!, ex.Message);
            }
        }

        return rma;
    }

    public Task<RmaSnapshot?> GetAsync() => Task.FromResult(state.State.Rma);

    public async Task<RmaReceipt> RecordReceiptAsync(string itemId, string? sku)
    {
        var rma = state.State.Rma;
        if (rma is null)
        {
            return new RmaReceipt(false, sku, null, null, 0);
        }

        var already = rma.Lines.FirstOrDefault(l => l.Items.Contains(itemId, StringComparer.Ordinal));
        if (already is not null)
        {
            return Receipt(rma, already, true);
        }

        if (rma.Status is RmaStatus.Cancelled or RmaStatus.Closed)
        {
            return new RmaReceipt(false, sku, null, rma.Channel.ToString(), 0);
        }

        var line = RmaRules.Match(rma.Lines, itemId, sku);
        if (line is null)
        {
            return new RmaReceipt(false, sku, null, rma.Channel.ToString(), 0);
        }

        var updatedLine = line with { Received = line.Received + 1, Items = [.. line.Items, itemId] };
        var lines = rma.Lines.Select(l => l.LineNumber == line.LineNumber ? updatedLine : l).ToList();
        var next = rma with { Lines = lines, Status = RmaRules.StatusAfterReceipt(lines) };
        if (rma.RefundPolicy == RefundPolicy.OnReceipt)
        {
            next = await RefundDueAsync(next, updatedLine, itemId);
        }

        await SaveAsync(next);
        return Receipt(next, updatedLine, true);
    }

    public async Task RecordGradedAsync(string itemId)
    {
        var rma = state.State.Rma;
        var line = rma?.Lines.FirstOrDefault(l => l.Items.Contains(itemId, StringComparer.Ordinal));
        if (rma is null || line is null || state.State.Graded.Contains(itemId, StringComparer.Ordinal))
        {
            return;
        }

        var next = rma.RefundPolicy == RefundPolicy.OnGrading ? await RefundDueAsync(rma, line, itemId) : rma;
        state.State = state.State with { Graded = [.. state.State.Graded, itemId] };
        await SaveAsync(next);
    }

    public async Task<RmaSnapshot> CancelAsync(Actor actor, string reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rma = RequireRma();
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw DomainException.Invalid("reason-required", "Cancelling an RMA needs a reason.");
        }

        if (rma.Status != RmaStatus.Authorized)
        {
            throw DomainException.Conflict("illegal-transition", $"RMA {RmaId} is {rma.Status}: only an RMA with nothing received can be cancelled.");
        }

        return await SaveAsync(rma with { Status = RmaStatus.Cancelled });
    }

    public async Task<RmaSnapshot> CloseAsync(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rma = RequireRma();
        if (rma.Status is RmaStatus.Closed or RmaStatus.Cancelled)
        {
            throw DomainException.Conflict("illegal-transition", $"RMA {RmaId} is already {rma.Status}.");
        }

        return await SaveAsync(rma with { Status = RmaStatus.Closed });
    }

    private async Task<RmaSnapshot> RefundDueAsync(RmaSnapshot rma, RmaLineStatus line, string itemId)
    {
        if (rma.RefundsDue.Contains(itemId, StringComparer.Ordinal))
        {
            return rma;
        }

        var now = time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new RefundDue(
            RmaId, rma.OrderReference, itemId, line.Line.Sku, line.LineNumber, line.Line.ReasonCode, line.Line.UnitValue, rma.RefundPolicy.ToString(), rma.Channel.ToString(), now), PayloadJson);
        await outbox.EnqueueAsync(new OutboxMessage($"refund-due:{RmaId}:{itemId}", RefundDueTopic, payload, now));
        return rma with { RefundsDue = [.. rma.RefundsDue, itemId] };
    }

    private async Task<RmaSnapshot> SaveAsync(RmaSnapshot next)
    {
        var previous = state.State;
        var saved = next with { Version = next.Version + 1, UpdatedAt = time.GetUtcNow() };
        state.State = state.State with { Rma = saved };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = previous;
            DeactivateOnIdle();
            throw;
        }

        return saved;
    }

    private RmaSnapshot RequireRma() =>
        state.State.Rma ?? throw DomainException.NotFound("rma-not-found", $"RMA {RmaId} does not exist.");

    private static RmaReceipt Receipt(RmaSnapshot rma, RmaLineStatus line, bool matched) =>
        new(matched, line.Line.Sku, line.Line, rma.Channel.ToString(), RmaRules.Priority(rma.RefundPolicy, line.Line));

    [LoggerMessage(Level = LogLevel.Information, Message = "RMA {RmaId} authorized with {Lines} lines by {Actor}")]
    private partial void LogCreated(string rmaId, int lines, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RMA {RmaId}: item {ItemId} could not be announced: {Reason}")]
    private partial void LogExpectFailed(string rmaId, string itemId, string reason);
}

/// <summary>The refund-due webhook's body.</summary>
public sealed record RefundDue(
    string RmaId,
    string OrderReference,
    string ItemId,
    string Sku,
    int LineNumber,
    string ReasonCode,
    decimal? UnitValue,
    string RefundPolicy,
    string Channel,
    DateTimeOffset At);
