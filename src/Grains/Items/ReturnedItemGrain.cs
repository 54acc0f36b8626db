using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Journal;
using Tracking.Grains.Live;
using Tracking.Grains.Locations;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Items;

/// <summary>
/// One returned unit. Every change: the pure lifecycle decides (Conflict, nothing changed, when it says no), the state
/// is stored, the event is appended to the custody journal, then the location projection and live maps hear of it.
/// </summary>
public sealed partial class ReturnedItemGrain(
    [PersistentState("item")] IPersistentState<ItemState> state,
    ICustodyJournal journal,
    EventsWithGrainState eventsWithState,
    SiteCatalog site,
    TimeProvider time,
    ItemMetrics metrics,
    IOptions<LifecycleOptions> lifecycle,
    ILogger<ReturnedItemGrain> logger) : Grain, IReturnedItemGrain
{
    private bool _journalPending;

    // The newest gate read this activation applied (stored with the next change as ItemState.LastObservedAt).
    private DateTimeOffset? _latestObservation;

    // Location projection calls that failed, tried again by a timer: locations this item left that may still list it,
    // and whether it is owed a place where it is.
    private static readonly TimeSpan ProjectionRetryPeriod = TimeSpan.FromSeconds(5);
    private readonly HashSet<string> _unremoved = new(StringComparer.Ordinal);
    private bool _placementOwed;
    private IGrainTimer? _projectionRetry;

    private string? _key;

    // Orleans decodes the key from the grain id on every call: one string per activation, not one per use (they end up
    // in events, snapshots and projections that stay in memory).
    private string ItemId => _key ??= this.GetPrimaryKeyString();

    private ItemSnapshot? Item => state.State.Item;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.LastEvent is { } last)
        {
            // The previous activation may have stored its state but died before the journal confirmed the event.
            _journalPending = true;
            await EnsureJournaledAsync(last);
            await SyncLocationAsync(null, Item);
            await TellRmaOfGradeAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A last try for locations still listing this item after a failed removal (the retry timer dies with us).
        await RetryUnremovedAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task<ItemSnapshot> ExpectAsync(string rmaId, string sku, string reasonCode, string channel, string warehouse, int priority)
    {
        RequireText(rmaId, "rmaId");
        RequireText(sku, "sku");
        warehouse = RequireWarehouse(warehouse).Code;
        var now = time.GetUtcNow();
        if (Item is { } existing)
        {
            if (existing.RmaId == rmaId && (existing.Status == ItemStatus.Expected || !existing.Unexpected))
            {
                // Announced (or claimed) by this RMA already: its retry changes nothing.
                return existing;
            }

            if (existing.Unexpected && existing.RmaId is null && !ItemLifecycle.IsTerminal(existing.Status))
            {
                // Read or scanned before its RMA was imported: the RMA claims it now. The RMA counts the receipt (and a
                // grade) from the answer: called by the RMA, the item cannot call it back.
                var claimed = await CommitAsync(
                    existing with { RmaId = rmaId, Sku = sku, ReasonCode = reasonCode, Channel = channel, Priority = priority, Unexpected = false },
                    ItemEventTypes.RmaMatched,
                    Actor.System,
                    Details(("rmaId", rmaId), ("reasonCode", reasonCode), ("channel", channel)),
                    gradeOwedToRma: false);
                await ClearAlertAsync(existing.Warehouse, $"unexpected-tag:{ItemId}");
                return claimed;
            }

            if (!ItemLifecycle.IsTerminal(existing.Status))
            {
                metrics.Rejected("expect");
                throw DomainException.Conflict("item-exists", $"Item {ItemId} is already registered (status {existing.Status}, RMA {existing.RmaId ?? "none"}).");
            }

            // Its last return ended (restocked, sold, and sent back again): a new return cycle, in the same journal.
            state.State = state.State with { Grading = null, BeforeAway = null, GradeOwedToRma = false };
        }

        var next = NewItem(ItemStatus.Expected, now) with
        {
            Sku = sku,
            RmaId = rmaId,
            ReasonCode = reasonCode,
            Channel = channel,
            Warehouse = warehouse,
            Priority = priority,
        };
        return await CommitAsync(next, ItemEventTypes.Expected, Actor.System, Details(("rmaId", rmaId), ("reasonCode", reasonCode), ("channel", channel)));
    }

    public async Task<ItemSnapshot> ReceiveAsync(ReceiveItem command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var place = RequirePlace(command.Warehouse, command.Location);
        if (command.RmaId is { } named && Item?.RmaId is null && await GrainFactory.Reference<IRmaGrain>(named).GetAsync() is null)
        {
            // A mistyped RMA id would otherwise stamp an RMA nobody has on the item, which then can never be received
            // against the real one (and no refund would follow).
            metrics.Rejected("receive");
            throw DomainException.NotFound("rma-unknown", $"RMA '{named}' does not exist (RMA ids are matched exactly, case included).");
        }

        return await ReceiveAtAsync(place.Warehouse, place.Location.Code, command.Actor, command.RmaId, command.Sku, device: null);
    }

    public Task<ItemSnapshot> ObserveAsync(ObserveItem command)
    {
        try
        {
            return ObserveCoreAsync(command);
        }
        catch (Exception ex)
        {
            // A rule that says no (unknown location, illegal transition) fails the call like any other.
            return Task.FromException<ItemSnapshot>(ex);
        }
    }

    public async Task<DockObservation> ObserveAtInboundDockAsync(ObserveItem command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (Item is { TransferId: not null } inbound && !SameWarehouse(inbound.Warehouse, command.Warehouse))
        {
            return new DockObservation(inbound, Observed: false);
        }

        return new DockObservation(await ObserveAsync(command), Observed: true);
    }

    public async Task<ItemSnapshot> GradeAsync(GradeItem command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var item = RequireItem();
        if (command.PhotoUrls?.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out _)) == true)
        {
            throw DomainException.Invalid("invalid-photo-url", "Every photo URL must be an absolute URL.");
        }

        if (command.Value is < 0)
        {
            throw DomainException.Invalid("invalid-value", "The item's value cannot be negative.");
        }

        var next = Apply(item, ItemTrigger.Grade);
        var now = time.GetUtcNow();
        var grading = new ItemGrading(command.Grade, command.Inspector.Id, command.Notes, command.PhotoUrls ?? [], command.Category, command.Value, command.VendorReturnEligible, now);
        var details = new JsonObject
        {
            ["grade"] = command.Grade.ToString(),
            ["inspector"] = command.Inspector.Id,
            ["notes"] = command.Notes,
            ["photoUrls"] = new JsonArray([.. grading.PhotoUrls.Select(u => (JsonNode?)JsonValue.Create(u))]),
            ["category"] = command.Category,
            ["value"] = command.Value,
            ["vendorReturnEligible"] = command.VendorReturnEligible,
        };
        var result = await CommitAsync(
            WithPosition(item, next) with { Grade = command.Grade, Disposition = null, Target = null },
            ItemEventTypes.Graded,
            command.Inspector,
            details.ToJsonString(),
            grading: grading,
            gradeOwedToRma: item.RmaId is not null && !item.Unexpected);
        await TellRmaOfGradeAsync();
        return result;
    }

    public async Task<ItemSnapshot> DispositionAsync(DispositionItem command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var item = RequireItem();
        var next = Apply(item, ItemTrigger.Disposition);
        var warehouse = RequireWarehouse(item.Warehouse ?? "");
        var grading = state.State.Grading ?? throw DomainException.Conflict("not-graded", $"Item {ItemId} has no grading to decide on.");
        Disposition disposition;
        ZoneType zone;
        JsonObject details;
        string type;
        if (command.Override is { } chosen)
        {
            if (string.IsNullOrWhiteSpace(command.OverrideReason))
            {
                throw DomainException.Invalid("override-reason-required", "Overriding the disposition rules needs a reason (it is audited).");
            }

            var ruled = DispositionRules.Decide(warehouse.DispositionRules ?? DispositionRules.Default, Facts(item, grading), warehouse.Capabilities);
            disposition = chosen;
            zone = DispositionRules.ZoneFor(chosen);
            type = ItemEventTypes.DispositionOverridden;
            details = new JsonObject
            {
                ["disposition"] = chosen.ToString(),
                ["override"] = true,
                ["overrideReason"] = command.OverrideReason,
                ["rulesSaid"] = ruled?.Disposition.ToString(),
            };
        }
        else
        {
            var decision = DispositionRules.Decide(warehouse.DispositionRules ?? DispositionRules.Default, Facts(item, grading), warehouse.Capabilities)
                ?? throw DomainException.Conflict("no-disposition-rule", $"No disposition rule of warehouse {warehouse.Code} matches item {ItemId} (grade {grading.Grade}, reason {item.ReasonCode ?? "none"}). Choose one with an override.");
            disposition = decision.Disposition;
            zone = decision.TargetZone;
            type = ItemEventTypes.Dispositioned;
            details = new JsonObject { ["disposition"] = disposition.ToString(), ["rule"] = decision.RuleName, ["ruleIndex"] = decision.RuleIndex };
        }

        // Reserve the nearest location of the target zone with room; the earlier reservation is released once the new
        // target is stored, and the new one if storing fails: either way no place stays held for nobody.
        var reserved = await ReserveNearestAsync(warehouse, item.Location, zone);
        var heldBefore = item.Target?.Location is { } previous && item.Target.Warehouse is { } previousWarehouse ? (Warehouse: previousWarehouse, Location: previous) : default;
        var replaced = heldBefore.Location is not null && !string.Equals(heldBefore.Location, reserved, StringComparison.OrdinalIgnoreCase);
        details["targetZone"] = zone.ToString();
        details["targetLocation"] = reserved;
        var target = new ZoneTypeTarget(warehouse.Code, zone, reserved);
        ItemSnapshot result;
        try
        {
            result = await CommitAsync(
                WithPosition(item, next) with { Disposition = disposition, Target = target },
                type,
                command.Actor,
                details.ToJsonString());
        }
        catch (Exception) when (reserved is not null && (heldBefore.Location is null || replaced))
        {
            await ReleaseReservationAsync(warehouse.Code, reserved);
            throw;
        }

        if (replaced)
        {
            await ReleaseReservationAsync(heldBefore.Warehouse!, heldBefore.Location!);
        }

        await RequestMoveAsync(result);
        return result;
    }

    public async Task<ItemSnapshot> CompleteMoveAsync(CompleteMove command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var item = RequireItem();
        var place = RequirePlace(command.Warehouse, command.Location);
        if (ItemLifecycle.IsTerminal(item.Status) || item.Status is ItemStatus.Expected or ItemStatus.InTransit)
        {
            metrics.Rejected("move");
            throw DomainException.Conflict("illegal-transition", $"Item {ItemId}: cannot move: an item that is {item.Status} is not on this floor.");
        }

        return await MoveToAsync(item, place.Warehouse, place.Location.Code, place.Location.Type, command.Actor, command.TaskId);
    }

    public async Task<ItemSnapshot> HoldAsync(Actor actor, string reason)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RequireText(reason, "reason");
        var item = RequireItem();
        var next = Apply(item, ItemTrigger.Hold);
        return await CommitAsync(WithPosition(item, next), ItemEventTypes.Held, actor, Details(("reason", reason)));
    }

    public async Task<ItemSnapshot> ReleaseAsync(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var item = RequireItem();
        var next = Apply(item, ItemTrigger.Release);
        return await CommitAsync(WithPosition(item, next), ItemEventTypes.Released, actor, null);
    }

    public async Task<ItemSnapshot> CompleteAsync(Actor actor, string? note = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var item = RequireItem();
        var next = Apply(item, ItemTrigger.Complete);

        // Stock that is sold again stays where it was put; everything else has left the building.
        var location = next.Status == ItemStatus.Restocked ? item.Location : null;
        return await CommitAsync(WithPosition(item, next) with { Location = location }, ItemEventTypes.Completed, actor, Details(("note", note)));
    }

    public async Task<ItemSnapshot> StageForTransferAsync(string transferId, string outboundLocation, Actor actor)
    {
        RequireText(transferId, "transferId");
        ArgumentNullException.ThrowIfNull(actor);
        var item = RequireItem();
        var next = Apply(item, ItemTrigger.StageForTransfer);
        if (item.TransferId is { } current && current != transferId)
        {
            metrics.Rejected("stage");
            throw DomainException.Conflict("already-on-transfer", $"Item {ItemId} is already staged for transfer {current}.");
        }

        outboundLocation = RequirePlace(item.Warehouse ?? "", outboundLocation).Location.Code;
        if (item.TransferId == transferId && string.Equals(item.Location, outboundLocation, StringComparison.OrdinalIgnoreCase))
        {
            return item;
        }

        return await CommitAsync(
            WithPosition(item, next) with { TransferId = transferId, Location = outboundLocation },
            ItemEventTypes.StagedForTransfer,
            actor,
            Details(("transferId", transferId)));
    }

    public async Task<ItemSnapshot> DepartAsync(string transferId, Actor actor)
    {
        RequireText(transferId, "transferId");
        ArgumentNullException.ThrowIfNull(actor);
        var item = RequireItem();
        if (item.Status == ItemStatus.InTransit && item.TransferId == transferId)
        {
            return item;
        }

        RequireTransfer(item, transferId);
        var next = Apply(item, ItemTrigger.Depart);
        var departed = await CommitAsync(
            WithPosition(item, next) with { Location = null, Target = WithoutPlace(item.Target) },
            ItemEventTypes.Departed,
            actor,
            Details(("transferId", transferId), ("from", item.Location)),
            beforeAway: next.BeforeAway);
        await ReleaseHeldPlaceAsync(item);
        return departed;
    }

    public async Task<ItemSnapshot> ArriveAsync(string transferId, string warehouse, string location, Actor actor)
    {
        RequireText(transferId, "transferId");
        ArgumentNullException.ThrowIfNull(actor);
        var place = RequirePlace(warehouse, location);
        return await ArriveAtAsync(transferId, place.Warehouse, place.Location.Code, actor);
    }

    public async Task<ItemSnapshot> MarkMissingAsync(Actor actor, string reason, string? transferId = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RequireText(reason, "reason");
        var item = RequireItem();
        if (transferId is not null && item.TransferId != transferId)
        {
            metrics.Rejected("missing");
            throw DomainException.Conflict("not-on-transfer", $"Item {ItemId} is no longer on transfer {transferId} (status {item.Status} at {item.Warehouse}/{item.Location}).");
        }

        var next = Apply(item, ItemTrigger.MarkMissing);
        var missing = await CommitAsync(
            WithPosition(item, next) with { Location = null, Target = WithoutPlace(item.Target) },
            ItemEventTypes.MarkedMissing,
            actor,
            Details(("reason", reason), ("lastLocation", item.Location)),
            beforeAway: next.BeforeAway);
        await ReleaseHeldPlaceAsync(item);
        return missing;
    }

    public Task<ItemSnapshot?> GetAsync() => Task.FromResult(Item);

    public async Task<IReadOnlyList<ItemEvent>> GetHistoryAsync()
    {
        if (state.State.LastEvent is { } last)
        {
            await EnsureJournaledAsync(last);
        }

        return await journal.ReadAsync(ItemId);
    }

    /// <summary>
    /// Chooses the change a read means and returns that change's task itself: a read waits for its commit, and each
    /// async layer around the wait is an object kept alive until the batch commits (docs/benchmarks.md, 2026-12-07).
    /// </summary>
    private Task<ItemSnapshot> ObserveCoreAsync(ObserveItem command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (warehouse, location) = RequirePlace(command.Warehouse, command.Location);
        var actor = Actor.Device(command.DeviceId);
        var item = Item;
        var tolerance = lifecycle.Value.StaleObservationTolerance;
        // A reader whose clock runs ahead would make every other gate's reads look old: its time counts as now.
        var now = time.GetUtcNow();
        var observedAt = command.ObservedAt > now + tolerance ? now : command.ObservedAt;
        if (item is not null && Newest(state.State.LastObservedAt, _latestObservation) is { } newest && observedAt < newest - tolerance)
        {
            // Read before the read that put the item where it is (a redelivery, or a retry after a failure): the item
            // has moved on since, and going back would undo a newer observation.
            metrics.StaleObservation(command.DeviceId);
            LogStaleObservation(ItemId, command.DeviceId, command.Location, command.ObservedAt, newest);
            return Task.FromResult(item);
        }

        _latestObservation = Newest(_latestObservation, observedAt);
        if (item is null || item.Status == ItemStatus.Expected)
        {
            // An unknown tag is never dropped: it becomes an unexpected item for review.
            return ReceiveAtAsync(warehouse, location.Code, actor, null, null, command.DeviceId);
        }

        if (ItemLifecycle.IsTerminal(item.Status))
        {
            LogSeenAfterEnd(ItemId, item.Status, warehouse, location.Code, command.DeviceId);
            return Task.FromResult(item);
        }

        if (item.Status == ItemStatus.InTransit && SameWarehouse(item.Warehouse, warehouse))
        {
            // Departed from here: the load still at the dock, read through a trailer wall or again after a restart is not
            // an arrival back. Only the destination (or a receipt by hand) ends the trip; if it never left, the transfer's
            // receipt marks it missing and a later read here finds it.
            LogSeenAtOriginInTransit(ItemId, item.TransferId, warehouse, location.Code, command.DeviceId);
            return Task.FromResult(item);
        }

        if (item.Status == ItemStatus.InTransit || (item.TransferId is not null && !SameWarehouse(item.Warehouse, warehouse)))
        {
            return ArriveAtAsync(item.TransferId ?? command.TransferId ?? "", warehouse, location.Code, actor);
        }

        if (item.Status == ItemStatus.Missing)
        {
            // Found where it was lost: whatever transfer it was on has written it off, so it is free to go on another.
            var found = Apply(item, ItemTrigger.Found);
            return CommitAsync(
                WithPosition(item, found) with { Warehouse = warehouse, Location = location.Code, TransferId = null },
                ItemEventTypes.Found,
                actor,
                Details(("device", command.DeviceId), ("transferId", item.TransferId)),
                beforeAway: found.BeforeAway);
        }

        if (SameWarehouse(item.Warehouse, warehouse) && string.Equals(item.Location, location.Code, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(item);
        }

        return MoveToAsync(item, warehouse, location.Code, location.Type, actor, null);
    }

    private async Task<ItemSnapshot> ReceiveAtAsync(string warehouse, string location, Actor actor, string? rmaId, string? sku, string? device)
    {
        var item = Item;
        var now = time.GetUtcNow();
        if (item is not null && item.Status != ItemStatus.Expected)
        {
            Apply(item, ItemTrigger.Receive);
        }

        var resolvedRma = item?.RmaId ?? rmaId;
        var resolvedSku = item?.Sku ?? sku;
        var matched = false;
        if (resolvedRma is not null)
        {
            // Partial and repeated receipts: the RMA counts what is still to come and says whether this unit was owed.
            var receipt = await GrainFactory.Reference<IRmaGrain>(resolvedRma).RecordReceiptAsync(ItemId, resolvedSku);
            matched = receipt.Matched;
            resolvedSku ??= receipt.Sku;
            if (item is null && receipt.Line is { } line)
            {
                item = NewItem(ItemStatus.Expected, now) with
                {
                    RmaId = resolvedRma,
                    Sku = resolvedSku,
                    ReasonCode = line.ReasonCode,
                    Channel = receipt.Channel,
                    Priority = receipt.Priority,
                };
            }
        }

        var unexpected = !matched;
        var baseItem = item ?? NewItem(ItemStatus.Expected, now) with { RmaId = resolvedRma, Sku = resolvedSku };
        var next = baseItem with
        {
            Status = ItemStatus.Received,
            Warehouse = warehouse,
            Location = location,
            ReceivedAt = now,
            Unexpected = unexpected,
        };
        var type = unexpected ? ItemEventTypes.UnexpectedReceived : ItemEventTypes.Received;
        var result = await CommitAsync(next, type, actor, Details(("rmaId", resolvedRma), ("device", device)), before: Item?.Status);
        if (unexpected)
        {
            metrics.Unexpected();
            await RaiseAlertAsync(new Alert(
                $"unexpected-tag:{ItemId}",
                warehouse,
                AlertKind.UnexpectedTag,
                AlertSeverity.Warning,
                $"Item {ItemId} arrived at {location} without a matching RMA line; review it.",
                ItemId,
                now));
        }

        return result;
    }

    private async Task<ItemSnapshot> ArriveAtAsync(string transferId, string warehouse, string location, Actor actor)
    {
        var item = RequireItem();
        if (item.TransferId is null && item.Status != ItemStatus.InTransit)
        {
            metrics.Rejected("arrive");
            throw DomainException.Conflict("illegal-transition", $"Item {ItemId}: cannot arrive: it is not on a transfer.");
        }

        RequireTransfer(item, transferId);
        var next = Apply(item, ItemTrigger.Arrive, beforeAway: state.State.BeforeAway);
        var target = item.Target is { } t && !SameWarehouse(t.Warehouse, warehouse) ? t with { Warehouse = warehouse, Location = null } : item.Target;
        return await CommitAsync(
            WithPosition(item, next) with { Warehouse = warehouse, Location = location, TransferId = null, Target = target },
            ItemEventTypes.Arrived,
            actor,
            Details(("transferId", transferId), ("from", item.Warehouse)),
            beforeAway: next.BeforeAway);
    }

    private Task<ItemSnapshot> MoveToAsync(ItemSnapshot item, string warehouse, string location, ZoneType zone, Actor actor, string? taskId)
    {
        var position = Position(item);
        var type = ItemEventTypes.Moved;
        if (item.Status == ItemStatus.Dispositioned && item.Target is { } target && target.ZoneType == zone && SameWarehouse(target.Warehouse, warehouse))
        {
            position = ItemLifecycle.Apply(ItemId, position, ItemTrigger.PutAway, item.Disposition);
            type = ItemEventTypes.PutAway;
        }
        else if (item.Status == ItemStatus.Received && zone == ZoneType.Inspection)
        {
            position = ItemLifecycle.Apply(ItemId, position, ItemTrigger.StartInspection);
            type = ItemEventTypes.InspectionStarted;
        }

        var next = WithPosition(item, position) with { Warehouse = warehouse, Location = location };
        var details = Details(("from", item.Location), ("taskId", taskId));
        // Put away somewhere other than the place held for it: free that place first.
        return type == ItemEventTypes.PutAway && item.Target?.Location is { } reserved && item.Target.Warehouse is { } reservedWarehouse
            && !(SameWarehouse(reservedWarehouse, warehouse) && string.Equals(reserved, location, StringComparison.OrdinalIgnoreCase))
            ? ReleaseThenCommitAsync(reservedWarehouse, reserved, next, type, actor, details)
            : CommitAsync(next, type, actor, details);
    }

    private async Task<ItemSnapshot> ReleaseThenCommitAsync(string reservedWarehouse, string reserved, ItemSnapshot next, string type, Actor actor, string? details)
    {
        await ReleaseReservationAsync(reservedWarehouse, reserved);
        return await CommitAsync(next, type, actor, details);
    }

    /// <summary>Stores the new state, journals its event, updates the location projection and publishes to the live maps.</summary>
    private async Task<ItemSnapshot> CommitAsync(
        ItemSnapshot next,
        string type,
        Actor actor,
        string? details,
        ItemStatus? before = null,
        ItemStatus? beforeAway = null,
        ItemGrading? grading = null,
        bool? gradeOwedToRma = null)
    {
        if (state.State.LastEvent is { } pending)
        {
            await EnsureJournaledAsync(pending);
        }

        if (state.State.GradeOwedToRma)
        {
            // Told now, the flag goes out with this change's write.
            await TellRmaOfGradeAsync();
        }

        var previous = Item;
        var previousState = state.State;
        var now = time.GetUtcNow();
        var version = (previous?.Version ?? 0) + 1;
        var snapshot = next with { Version = version, UpdatedAt = now };
        // Time-ordered ids (UUID version 7): the journal's unique index on them then grows at its end instead of at a
        // random page per event (docs/decisions/0021).
        var evt = new ItemEvent(Guid.CreateVersion7(now), ItemId, version, now, type, actor, snapshot.Warehouse, snapshot.Location, before ?? previous?.Status, snapshot.Status, JsonbText.Safe(details));
        state.State = previousState with
        {
            Item = snapshot,
            LastEvent = evt,
            BeforeAway = IsAway(snapshot.Status, snapshot.StatusBeforeHold) ? beforeAway ?? previousState.BeforeAway : null,
            Grading = grading ?? previousState.Grading,
            GradeOwedToRma = gradeOwedToRma ?? previousState.GradeOwedToRma,
            LastObservedAt = Newest(previousState.LastObservedAt, _latestObservation),
        };
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Nothing changed: forget the attempt and reload from storage on the next call.
            state.State = previousState;
            DeactivateOnIdle();
            throw;
        }

        // The state is stored: the journal append, the location projection and the live event depend only on it, not
        // on each other, so they run together and a change costs the slowest of the three instead of their sum. The
        // caller still returns only once the journal has the event (durability); the other two never throw.
        // Where the storage journals the event in the state's own statement, it is in the journal already.
        _journalPending = !eventsWithState.Enabled;
        var journaled = EnsureJournaledAsync(evt);
        var projected = SyncLocationAsync(previous, snapshot);
        var warehouse = snapshot.Warehouse ?? previous?.Warehouse;
        // On the map a finished item leaves the floor, as it leaves its location's contents (see SyncLocationAsync).
        var onFloor = ItemLifecycle.IsTerminal(snapshot.Status) ? null : snapshot.Location;
        var published = warehouse is null
            ? Task.CompletedTask
            : this.PublishLiveAsync(
                new ItemChanged(warehouse, now, ItemId, snapshot.Sku, evt.Before, snapshot.Status, previous?.Location, onFloor, type),
                logger);
        await Task.WhenAll(projected, published);
        await journaled;
        metrics.Event(type);
        return snapshot;
    }

    private async Task EnsureJournaledAsync(ItemEvent evt)
    {
        if (!_journalPending)
        {
            return;
        }

        await journal.AppendAsync(evt);
        _journalPending = false;
    }

    /// <summary>
    /// Keeps the location grains' view of this item current. They are a projection (the item is the truth), so a failure
    /// is logged, not thrown: the next change or activation puts it right. A finished item (restocked into sellable stock,
    /// gone to its vendor, sold off, recycled, scrapped) has left the returns floor: it keeps its last location for the
    /// record but no longer takes room there, or finished items would fill a zone's capacity for good.
    /// </summary>
    private async Task SyncLocationAsync(ItemSnapshot? previous, ItemSnapshot? current)
    {
        var previousKey = LocationKey(previous);
        var currentKey = current is { Status: var status } && ItemLifecycle.IsTerminal(status) ? null : LocationKey(current);
        if (previous is null && currentKey is null)
        {
            // An activation of a finished item: its last location may still list it (it finished before this rule,
            // or the removal failed); removing is idempotent.
            previousKey = LocationKey(current);
        }

        if (currentKey is not null)
        {
            _unremoved.Remove(currentKey); // back where a removal failed: it must stay listed there
        }

        // Two different location grains: leaving one and entering the other are independent calls.
        var removal = previousKey is not null && previousKey != currentKey ? RemoveFromAsync(previousKey) : Task.CompletedTask;
        var placement = currentKey is not null && current is not null ? PlaceAtAsync(currentKey, current) : Task.CompletedTask;
        await Task.WhenAll(removal, placement);
        await RetryUnremovedAsync();
    }

    private async Task RemoveFromAsync(string key)
    {
        try
        {
            await GrainFactory.Reference<ILocationGrain>(key).RemoveAsync(ItemId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next change only touches where the item is then: a location it left would list it for good (counted
            // on the map, holding room, in the inspection queue). Kept and tried again until it succeeds.
            LogProjectionFailed(ex, ItemId);
            _unremoved.Add(key);
            _projectionRetry ??= this.RegisterGrainTimer(RetryProjectionAsync, ProjectionRetryPeriod, ProjectionRetryPeriod);
        }
    }

    private async Task PlaceAtAsync(string key, ItemSnapshot current)
    {
        try
        {
            await GrainFactory.Reference<ILocationGrain>(key).PlaceAsync(new LocationItem(
                ItemId, current.Sku, current.Status, current.Grade, current.Disposition, current.Priority, current.ReceivedAt, current.Unexpected));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not listed where it is: placed again by the retry timer (or the next change).
            LogProjectionFailed(ex, ItemId);
            _placementOwed = true;
            _projectionRetry ??= this.RegisterGrainTimer(RetryProjectionAsync, ProjectionRetryPeriod, ProjectionRetryPeriod);
        }
    }

    private async Task RetryProjectionAsync(CancellationToken cancellationToken)
    {
        var placementOwed = _placementOwed;
        _placementOwed = false;
        if (placementOwed && Item is { } item && !ItemLifecycle.IsTerminal(item.Status) && LocationKey(item) is { } key)
        {
            await PlaceAtAsync(key, item);
        }

        await RetryUnremovedAsync();
        if (_unremoved.Count == 0 && !_placementOwed)
        {
            _projectionRetry?.Dispose();
            _projectionRetry = null;
        }
    }

    private Task RetryUnremovedAsync() => _unremoved.Count == 0 ? Task.CompletedTask : RetryUnremovedCoreAsync();

    private async Task RetryUnremovedCoreAsync()
    {
        foreach (var key in _unremoved.ToArray())
        {
            _unremoved.Remove(key);
            await RemoveFromAsync(key);
        }
    }

    private async Task<string?> ReserveNearestAsync(WarehouseDefinition warehouse, string? fromLocation, ZoneType zone)
    {
        foreach (var candidate in PutawayPlanner.Rank(warehouse.Layout, fromLocation, zone))
        {
            var grain = GrainFactory.Reference<ILocationGrain>(SiteCatalog.LocationId(warehouse.Code, candidate.Code));
            if (await grain.TryReserveAsync(ItemId))
            {
                return candidate.Code;
            }
        }

        // Full or no such zone here: the disposition stands; a person or a transfer finds room.
        LogNoRoom(ItemId, warehouse.Code, zone);
        return null;
    }

    /// <summary>
    /// An item that leaves the floor (on a transfer, or lost) gives up the place its disposition reserved: otherwise that
    /// place's capacity stays taken for good. Released after the change is stored, so a failed write never frees a place
    /// the item still holds.
    /// </summary>
    private Task ReleaseHeldPlaceAsync(ItemSnapshot before) =>
        before.Target is { Warehouse: { } warehouse, Location: { } location } ? ReleaseReservationAsync(warehouse, location) : Task.CompletedTask;

    private static ZoneTypeTarget? WithoutPlace(ZoneTypeTarget? target) => target is { Location: not null } held ? held with { Location = null } : target;

    private async Task ReleaseReservationAsync(string warehouse, string location)
    {
        try
        {
            await GrainFactory.Reference<ILocationGrain>(SiteCatalog.LocationId(warehouse, location)).ReleaseReservationAsync(ItemId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProjectionFailed(ex, ItemId);
        }
    }

    /// <summary>The disposition is durable; ask the warehouse's dispatcher for a transport. Its failure does not undo anything.</summary>
    private async Task RequestMoveAsync(ItemSnapshot item)
    {
        if (item.Warehouse is null || item.Location is null || item.Target?.Location is not { } to
            || string.Equals(item.Location, to, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        try
        {
            await GrainFactory.Reference<ITransportDispatcherGrain>(item.Warehouse).RequestMoveAsync(new TransportRequest(ItemId, item.Location, to, item.Priority));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogTransportFailed(ex, ItemId, item.Location, to);
        }
    }

    /// <summary>
    /// Tells the RMA that this item is graded, if that is still owed. A failure leaves it owed (the grade stands):
    /// the next activation or change tries again, so a refund on grading is late at worst, never lost.
    /// </summary>
    private async Task TellRmaOfGradeAsync()
    {
        if (!state.State.GradeOwedToRma || Item is not { RmaId: { } rmaId })
        {
            return;
        }

        try
        {
            await GrainFactory.Reference<IRmaGrain>(rmaId).RecordGradedAsync(ItemId);
            state.State = state.State with { GradeOwedToRma = false };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRmaFailed(ex, ItemId, rmaId);
        }
    }

    private async Task ClearAlertAsync(string? warehouse, string alertId)
    {
        if (warehouse is null)
        {
            return;
        }

        try
        {
            await GrainFactory.Reference<IAlertsGrain>(warehouse).ClearAsync(alertId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFailed(ex, alertId);
        }
    }

    private async Task RaiseAlertAsync(Alert alert)
    {
        try
        {
            await GrainFactory.Reference<IAlertsGrain>(alert.Warehouse).RaiseAsync(alert);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFailed(ex, alert.AlertId);
        }
    }

    private LifecyclePosition Apply(ItemSnapshot item, ItemTrigger trigger, ItemStatus? beforeAway = null)
    {
        try
        {
            return ItemLifecycle.Apply(ItemId, Position(item, beforeAway), trigger, item.Disposition);
        }
        catch (DomainException)
        {
            metrics.Rejected(trigger.ToString());
            throw;
        }
    }

    private LifecyclePosition Position(ItemSnapshot item, ItemStatus? beforeAway = null) =>
        new(item.Status, item.StatusBeforeHold, beforeAway ?? state.State.BeforeAway);

    private static DateTimeOffset? Newest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static ItemSnapshot WithPosition(ItemSnapshot item, LifecyclePosition position) =>
        item with { Status = position.Status, StatusBeforeHold = position.BeforeHold };

    private static bool IsAway(ItemStatus status, ItemStatus? beforeHold) =>
        status is ItemStatus.InTransit or ItemStatus.Missing || beforeHold is ItemStatus.InTransit or ItemStatus.Missing;

    private ItemSnapshot NewItem(ItemStatus status, DateTimeOffset now)
    {
        var decoded = Sgtin96.TryDecode(ItemId, out var sgtin) ? sgtin : null;
        return new ItemSnapshot(
            ItemId, status, null, null, null, null, null, null, null, null, null, 0, false, null, null, now, decoded?.Gtin, decoded?.Uri, 0, null);
    }

    private ItemSnapshot RequireItem() =>
        Item ?? throw DomainException.NotFound("item-not-found", $"Item {ItemId} is not known (no RMA line, scan or read has registered it).");

    private WarehouseDefinition RequireWarehouse(string code) =>
        site.FindWarehouse(code) ?? throw DomainException.Invalid("unknown-warehouse", $"Warehouse '{code}' does not exist.");

    /// <summary>
    /// The warehouse and location as the site spells them. Callers may write codes in any case; the item keeps the site's
    /// spelling, because grain keys, stream ids and location rows are case-sensitive.
    /// </summary>
    private (string Warehouse, LocationDefinition Location) RequirePlace(string warehouse, string location)
    {
        var code = RequireWarehouse(warehouse).Code;
        return (code, site.FindLocation(code, location)
            ?? throw DomainException.Invalid("unknown-location", $"Location '{location}' does not exist in warehouse {code}."));
    }

    private void RequireTransfer(ItemSnapshot item, string transferId)
    {
        if (item.TransferId != transferId)
        {
            metrics.Rejected("transfer");
            throw DomainException.Conflict("wrong-transfer", $"Item {ItemId} is on transfer {item.TransferId ?? "none"}, not {transferId}.");
        }
    }

    private static void RequireText(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw DomainException.Invalid($"{name}-required", $"{name} is required.");
        }
    }

    private static DispositionFacts Facts(ItemSnapshot item, ItemGrading grading) =>
        new(grading.Grade, item.ReasonCode, grading.Category, grading.VendorReturnEligible, grading.Value);

    private static string? LocationKey(ItemSnapshot? item) =>
        item is { Warehouse: { } w, Location: { } l } ? SiteCatalog.LocationId(w, l) : null;

    private static bool SameWarehouse(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string? Details(params (string Key, string? Value)[] pairs) => EventDetails.Of(pairs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item {ItemId}: read by {Device} at {Location} at {ObservedAt:o}, older than its newest applied read ({Newest:o}); ignored (a redelivery or late retry, or that reader's clock lags)")]
    private partial void LogStaleObservation(string itemId, string device, string location, DateTimeOffset observedAt, DateTimeOffset newest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item {ItemId} ({Status}) was seen at {Warehouse}/{Location} by {Device} after its life ended; ignored")]
    private partial void LogSeenAfterEnd(string itemId, ItemStatus status, string warehouse, string location, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Item {ItemId}, in transit on {TransferId}, was seen at its origin {Warehouse}/{Location} by {Device}; not an arrival")]
    private partial void LogSeenAtOriginInTransit(string itemId, string? transferId, string warehouse, string location, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Location projection of item {ItemId} was not updated; it heals on the next change")]
    private partial void LogProjectionFailed(Exception ex, string itemId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No location of zone type {Zone} in {Warehouse} has room for item {ItemId}")]
    private partial void LogNoRoom(string itemId, string warehouse, ZoneType zone);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transport of item {ItemId} from {From} to {To} could not be requested; the disposition stands")]
    private partial void LogTransportFailed(Exception ex, string itemId, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RMA {RmaId} was not told about item {ItemId}")]
    private partial void LogRmaFailed(Exception ex, string itemId, string rmaId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {AlertId} could not be raised")]
    private partial void LogAlertFailed(Exception ex, string alertId);
}
