using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Tracking.Grains.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Outbox;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Rmas;

/// <summary>
/// One RMA. Receipts are counted per line (idempotent per item). When the refund policy is met for a unit, a refund-due
/// message is put in the durable outbox first (idempotent per key), then the RMA records it, so a crash in between repeats
/// nothing and loses nothing. Reentrant: the units of a parcel reach the dock together and each item asks its RMA for
/// its receipt; every change is applied to the state in its own turn and the changes made meanwhile share one write
/// (<see cref="CoalescedWrites"/>), so a parcel costs about one RMA write, not one per unit in a queue. A caller returns
/// only once a write that includes its change has succeeded. Reentrancy also lets receipts in while a new RMA announces
/// its units to their items.
/// </summary>
[Reentrant]
public sealed partial class RmaGrain : Grain, IRmaGrain
{
    public const string RefundDueTopic = "refund-due";

    // Integrators read camelCase JSON, like the REST API.
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    private readonly IPersistentState<RmaState> _state;
    private readonly IOutboxStore _outbox;
    private readonly SiteCatalog _site;
    private readonly TimeProvider _time;
    private readonly ILogger<RmaGrain> _logger;
    private readonly CoalescedWrites _writes;

    public RmaGrain(
        [PersistentState("rma")] IPersistentState<RmaState> state,
        IOutboxStore outbox,
        SiteCatalog site,
        TimeProvider time,
        ILogger<RmaGrain> logger)
    {
        _state = state;
        _outbox = outbox;
        _site = site;
        _time = time;
        _logger = logger;
        _writes = new CoalescedWrites(WriteAsync);
    }

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string RmaId => _key ??= this.GetPrimaryKeyString();

    public async Task<RmaSnapshot> CreateAsync(CreateRma command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_state.State.Rma is { } existing)
        {
            throw DomainException.Conflict(RmaErrors.Exists, $"RMA {RmaId} already exists (status {existing.Status}).");
        }

        var problems = RmaRules.Validate(command).ToList();
        if (_site.FindWarehouse(command.ExpectedWarehouse) is null)
        {
            problems.Add($"expected warehouse '{command.ExpectedWarehouse}' does not exist");
        }

        if (problems.Count > 0)
        {
            throw DomainException.Invalid("invalid-rma", $"RMA {RmaId}: {string.Join("; ", problems)}.");
        }

        var now = _time.GetUtcNow();
        var rma = new RmaSnapshot(
            RmaId,
            RmaStatus.Authorized,
            command.OrderReference,
            command.Channel,
            command.CustomerRegion,
            _site.FindWarehouse(command.ExpectedWarehouse)!.Code,
            command.RefundPolicy,
            [.. command.Lines.Select((l, i) => new RmaLineStatus(i + 1, l with { Serial = l.Serial is null ? null : ItemKeys.Normalize(l.Serial) }, 0, []))],
            [],
            now,
            now,
            1);
        _state.State = _state.State with { Rma = rma };
        await _writes.RequestAsync();
        LogCreated(RmaId, rma.Lines.Count, command.Actor.ToString());

        // Units with a serial/EPC are announced to their item grains so a dock read recognises them.
        foreach (var line in rma.Lines.Where(l => l.Line.Serial is not null))
        {
            try
            {
                var item = await GrainFactory.Reference<IReturnedItemGrain>(line.Line.Serial!).ExpectAsync(
                    RmaId, line.Line.Sku, line.Line.ReasonCode, rma.Channel.ToString(), rma.ExpectedWarehouse, RmaRules.Priority(rma.RefundPolicy, line.Line));
                if (item.Status != ItemStatus.Expected)
                {
                    // Received before this RMA was imported, and claimed by it now: its receipt (and grade) count here.
                    await RecordReceiptAsync(item.ItemId, item.Sku);
                    if (item.Grade is not null)
                    {
                        await RecordGradedAsync(item.ItemId);
                    }
                }
            }
            catch (DomainException ex)
            {
                LogExpectFailed(RmaId, line.Line.Serial!, ex.Message);
            }
        }

        return rma;
    }

    public Task<RmaSnapshot?> GetAsync() => Task.FromResult(_state.State.Rma);

    public async Task<RmaReceipt> RecordReceiptAsync(string itemId, string? sku)
    {
        var rma = _state.State.Rma;
        if (rma is null)
        {
            return new RmaReceipt(false, sku, null, null, 0);
        }

        var already = rma.Lines.FirstOrDefault(l => l.Items.Contains(itemId, StringComparer.Ordinal));
        if (already is not null)
        {
            if (rma.RefundPolicy == RefundPolicy.OnReceipt && !rma.RefundsDue.Contains(itemId, StringComparer.Ordinal))
            {
                // Counted by an earlier call whose refund-due message did not make it (it failed, or this is that
                // call's retry): the message goes out now.
                await RefundDueAsync(already, itemId);
                await _writes.RequestAsync();
            }
            else
            {
                // Counted, but perhaps only in memory so far: the answer holds once it is stored.
                await _writes.WhenStoredAsync();
            }

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

        // A plain array: for the compiler's own read-only list type, which a collection expression typed as the
        // interface would create, Orleans resolved a codec anew on every write of the RMA (seen in a profile).
        string[] items = [.. line.Items, itemId];
        var updatedLine = line with { Received = line.Received + 1, Items = items };
        var lines = rma.Lines.Select(l => l.LineNumber == line.LineNumber ? updatedLine : l).ToList();
        var next = Change(rma with { Lines = lines, Status = RmaRules.StatusAfterReceipt(lines) });
        if (next.RefundPolicy == RefundPolicy.OnReceipt)
        {
            next = await RefundDueAsync(updatedLine, itemId);
        }

        await _writes.RequestAsync();
        return Receipt(next, updatedLine, true);
    }

    public async Task RecordGradedAsync(string itemId)
    {
        var rma = _state.State.Rma;
        var line = rma?.Lines.FirstOrDefault(l => l.Items.Contains(itemId, StringComparer.Ordinal));
        if (rma is null || line is null)
        {
            return;
        }

        if (_state.State.Graded.Contains(itemId, StringComparer.Ordinal))
        {
            await _writes.WhenStoredAsync();
            return;
        }

        if (rma.RefundPolicy == RefundPolicy.OnGrading)
        {
            await RefundDueAsync(line, itemId);
        }

        if (!_state.State.Graded.Contains(itemId, StringComparer.Ordinal))
        {
            _state.State = _state.State with { Graded = [.. _state.State.Graded, itemId] };
            Change(_state.State.Rma!);
        }

        await _writes.RequestAsync();
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

        var saved = Change(rma with { Status = RmaStatus.Cancelled });
        await _writes.RequestAsync();
        return saved;
    }

    public async Task<RmaSnapshot> CloseAsync(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var rma = RequireRma();
        if (rma.Status is RmaStatus.Closed or RmaStatus.Cancelled)
        {
            throw DomainException.Conflict("illegal-transition", $"RMA {RmaId} is already {rma.Status}.");
        }

        var saved = Change(rma with { Status = RmaStatus.Closed });
        await _writes.RequestAsync();
        return saved;
    }

    /// <summary>
    /// Puts the refund-due message in the outbox (idempotent per key), then records it on the RMA as it is by then:
    /// other changes may have been applied while the outbox stored the message.
    /// </summary>
    private async Task<RmaSnapshot> RefundDueAsync(RmaLineStatus line, string itemId)
    {
        var rma = RequireRma();
        if (rma.RefundsDue.Contains(itemId, StringComparer.Ordinal))
        {
            return rma;
        }

        var now = _time.GetUtcNow();
        var payload = JsonSerializer.Serialize(new RefundDue(
            RmaId, rma.OrderReference, itemId, line.Line.Sku, line.LineNumber, line.Line.ReasonCode, line.Line.UnitValue, rma.RefundPolicy.ToString(), rma.Channel.ToString(), now), PayloadJson);
        await _outbox.EnqueueAsync(new OutboxMessage($"refund-due:{RmaId}:{itemId}", RefundDueTopic, payload, now));
        var current = RequireRma();
        return current.RefundsDue.Contains(itemId, StringComparer.Ordinal)
            ? current
            : Change(current with { RefundsDue = [.. current.RefundsDue, itemId] });
    }

    /// <summary>Applies a change to the state in this turn (new version); the caller then asks for a write.</summary>
    private RmaSnapshot Change(RmaSnapshot next)
    {
        var changed = next with { Version = next.Version + 1, UpdatedAt = _time.GetUtcNow() };
        _state.State = _state.State with { Rma = changed };
        return changed;
    }

    /// <summary>Writes the state as it is when the write starts: every change applied so far.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            // This round's callers are told; what only memory holds goes with the activation, and the next one starts
            // from what is stored.
            DeactivateOnIdle();
            throw;
        }
    }

    private RmaSnapshot RequireRma() =>
        _state.State.Rma ?? throw DomainException.NotFound("rma-not-found", $"RMA {RmaId} does not exist.");

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
