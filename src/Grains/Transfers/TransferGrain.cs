using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Live;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Transfers;

/// <summary>
/// One transfer. Stores each step before it returns, then tells the items (through the item grain), the alerts, the
/// live streams of both warehouses and regions, and the hubs of both regions.
/// </summary>
public sealed partial class TransferGrain(
    [PersistentState("transfer")] IPersistentState<TransferGrainState> state,
    SiteCatalog site,
    IOptions<TransferOptions> options,
    ILogger<TransferGrain> logger) : Grain, ITransferGrain, IRemindable
{
    private const string OverdueReminder = "overdue";

    // Arrivals settle on an in-memory timer; this reminder settles them if the activation is gone before the timer fires
    // (a restart, a deployment), so a half-arrived transfer never waits for ever for its missing items to be called.
    private const string SettleReminder = "settle";
    private IGrainTimer? _settleTimer;

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string Id => _key ??= this.GetPrimaryKeyString();

    private TransferSnapshot Current => state.State.Transfer
        ?? throw DomainException.NotFound("transfer-not-found", $"Transfer {Id} does not exist.");

    public async Task<TransferSnapshot> CreateAsync(CreateTransfer command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (state.State.Transfer is { } existing)
        {
            // Asking twice for the same transfer is harmless; reusing the id for another one is not.
            if (Same(existing.From, command.From) && Same(existing.To, command.To) && existing.Stage == command.Stage && existing.Quantity == command.Quantity)
            {
                return existing;
            }

            throw DomainException.Conflict("transfer-exists", $"Transfer {Id} already exists ({existing.From}->{existing.To}, {existing.Quantity} {existing.Stage}).");
        }

        var from = site.FindWarehouse(command.From) ?? throw DomainException.Invalid("transfer-unknown-warehouse", $"Unknown origin warehouse '{command.From}'.");
        var to = site.FindWarehouse(command.To) ?? throw DomainException.Invalid("transfer-unknown-warehouse", $"Unknown destination warehouse '{command.To}'.");
        if (command.Quantity <= 0)
        {
            throw DomainException.Invalid("transfer-quantity", "A transfer needs a positive quantity.");
        }

        _ = FindLane(from.Code, to.Code) ?? throw DomainException.Invalid("transfer-no-lane", $"There is no lane from {from.Code} to {to.Code}.");
        var now = DateTimeOffset.UtcNow;
        var note = command.Note ?? (command.Proposal is null ? "created by hand" : command.Proposal.Explanation);
        var snapshot = new TransferSnapshot(
            Id, from.Code, to.Code, command.Stage, command.Quantity, TransferStatus.Planned, command.Proposal, command.PlanId,
            [], null, now, null, null, null, null, null, null, false,
            [new TransferHistoryEntry(now, null, TransferStatus.Planned, command.Actor, note)], now, 1);
        TransferMetrics.TransfersProposed.Add(1);
        return await SaveAndAnnounceAsync(snapshot);
    }

    public Task<TransferSnapshot> ApproveAsync(Actor actor, string? note = null) =>
        MoveAsync(TransferStatus.Approved, actor, note ?? "approved", t => t with { ApprovedAt = DateTimeOffset.UtcNow });

    public Task<TransferSnapshot> RejectAsync(Actor actor, string reason) =>
        MoveAsync(TransferStatus.Cancelled, actor, string.IsNullOrWhiteSpace(reason) ? "rejected" : reason, t => t with { ClosedAt = DateTimeOffset.UtcNow });

    public async Task<TransferSnapshot> StageAsync(IReadOnlyList<string> itemIds, string outboundLocation, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        var transfer = Current;
        TransferLifecycle.EnsureCanMove(Id, transfer.Status, TransferStatus.Staged);
        var location = site.FindLocation(transfer.From, outboundLocation ?? string.Empty);
        if (location is not { Type: ZoneType.Outbound })
        {
            throw DomainException.Invalid("transfer-not-outbound", $"'{outboundLocation}' is not an Outbound location of {transfer.From}.");
        }

        if (transfer.OutboundLocation is not null && !Same(transfer.OutboundLocation, location.Code))
        {
            throw DomainException.Conflict("transfer-other-outbound", $"Transfer {Id} is staged at {transfer.OutboundLocation}; stage the rest there too.");
        }

        var onManifest = transfer.Items.Select(i => i.ItemId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var named = itemIds.Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (named.Count == 0)
        {
            throw DomainException.Invalid("transfer-no-items", "Name at least one item to stage.");
        }

        var fresh = named.Where(i => !onManifest.Contains(i)).ToList();
        if (fresh.Count == 0)
        {
            return transfer;
        }

        if (transfer.Items.Count + fresh.Count > transfer.Quantity)
        {
            throw DomainException.Conflict("transfer-over-quantity", $"Transfer {Id} is for {transfer.Quantity} items; {transfer.Items.Count} are staged and {fresh.Count} more would exceed it.");
        }

        // Check every item before touching any, so a bad id changes nothing.
        foreach (var itemId in fresh)
        {
            var item = await GrainFactory.Reference<IReturnedItemGrain>(itemId).GetAsync()
                ?? throw DomainException.NotFound("item-not-found", $"Item {itemId} is not known.");
            if (!Same(item.Warehouse, transfer.From))
            {
                throw DomainException.Conflict("transfer-item-elsewhere", $"Item {itemId} is in {item.Warehouse ?? "no warehouse"}, not {transfer.From}.");
            }

            if (item.TransferId is not null && !Same(item.TransferId, Id))
            {
                throw DomainException.Conflict("transfer-item-taken", $"Item {itemId} is already on transfer {item.TransferId}.");
            }

            if (!ItemLifecycle.CanApply(new LifecyclePosition(item.Status, item.StatusBeforeHold), ItemTrigger.StageForTransfer))
            {
                throw DomainException.Conflict("transfer-item-not-stageable", $"Item {itemId} is {item.Status}: it cannot be staged for a transfer; nothing was staged.");
            }
        }

        var staged = new List<TransferItem>();
        try
        {
            foreach (var itemId in fresh)
            {
                await GrainFactory.Reference<IReturnedItemGrain>(itemId).StageForTransferAsync(Id, location.Code, actor);
                staged.Add(new TransferItem(itemId, TransferItemState.Staged, DateTimeOffset.UtcNow, null));
            }
        }
        finally
        {
            // Whatever the item grains accepted is on the manifest, even if a later item refused.
            if (staged.Count > 0)
            {
                var note = string.Create(CultureInfo.InvariantCulture, $"{staged.Count} items staged at {location.Code}");
                await SaveAndAnnounceAsync(Step(transfer with { Items = [.. transfer.Items, .. staged], OutboundLocation = location.Code }, TransferStatus.Staged, actor, note));
            }
        }

        return Current;
    }

    public async Task<TransferSnapshot> DispatchAsync(Actor actor)
    {
        var transfer = Current;
        TransferLifecycle.EnsureCanMove(Id, transfer.Status, TransferStatus.InTransit);
        await EnsureAllCanDepartAsync(transfer);
        var now = DateTimeOffset.UtcNow;
        var items = new List<TransferItem>();
        foreach (var item in transfer.Items)
        {
            if (item.State == TransferItemState.Staged)
            {
                await DepartItemAsync(item.ItemId, actor);
                items.Add(item with { State = TransferItemState.Departed, UpdatedAt = now, Device = null });
            }
            else
            {
                items.Add(item);
            }
        }

        var departed = Depart(transfer with { Items = items }, now, actor, "dispatched by hand");
        var saved = await SaveAndAnnounceAsync(departed);
        await ScheduleOverdueAsync(saved);
        return saved;
    }

    public async Task<TransferSnapshot> RecordDockReadAsync(TransferDockRead read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var transfer = Current;
        var device = Actor.Device(read.ReaderId);
        if (read.Kind == GateKind.ZoneBoundary)
        {
            throw DomainException.Invalid("transfer-not-a-dock", $"Reader {read.ReaderId} is a zone boundary, not a dock gate.");
        }

        if (read.Kind == GateKind.DockOut && Same(read.Warehouse, transfer.From))
        {
            return await DepartureReadAsync(transfer, read, device);
        }

        if (read.Kind == GateKind.DockIn && Same(read.Warehouse, transfer.To))
        {
            return await ArrivalReadAsync(transfer, read, device);
        }

        LogIgnoredRead(logger, Id, read.ItemId, read.ReaderId, read.Warehouse);
        return transfer;
    }

    public async Task<TransferSnapshot> ReceiveAsync(ReceiveTransfer command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var transfer = Current;
        var arriving = transfer.Status == TransferStatus.InTransit;
        if (arriving)
        {
            transfer = Step(transfer with { ArrivedAt = DateTimeOffset.UtcNow, Overdue = false }, TransferStatus.Arrived, command.Actor, "arrival confirmed by hand");
        }

        // Everything is checked before anything changes: a rejected receipt leaves the transfer watched as it was.
        TransferLifecycle.EnsureCanMove(Id, transfer.Status, TransferStatus.Received);
        var location = command.Location ?? DefaultDock(transfer.To);
        if (site.FindLocation(transfer.To, location) is null)
        {
            throw DomainException.Invalid("transfer-unknown-location", $"'{location}' is not a location of {transfer.To}.");
        }

        foreach (var itemId in command.ScannedItems.Where(i => !string.IsNullOrWhiteSpace(i)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            transfer = await ItemArrivedAsync(transfer, itemId.Trim(), location, command.Actor, DateTimeOffset.UtcNow, null);
        }

        var received = await ReconcileAsync(transfer, command.Actor, "received");
        if (arriving)
        {
            await GrainFactory.Reference<IAlertsGrain>(received.To).ClearAsync(OverdueAlertId);
            await ForgetReminderAsync(OverdueReminder);
        }

        return received;
    }

    public async Task<TransferSnapshot> CloseAsync(Actor actor, string? note = null)
    {
        var closed = await MoveAsync(TransferStatus.Closed, actor, note ?? "discrepancies dealt with", t => t with { ClosedAt = DateTimeOffset.UtcNow });
        await GrainFactory.Reference<IAlertsGrain>(closed.To).ClearAsync(DiscrepancyAlertId);
        return closed;
    }

    public Task<TransferSnapshot?> GetAsync() => Task.FromResult(state.State.Transfer);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var transfer = state.State.Transfer;
        if (reminderName == SettleReminder)
        {
            await SettleOnReminderAsync(transfer);
            return;
        }

        if (reminderName != OverdueReminder)
        {
            return;
        }

        if (transfer is null || transfer.Status != TransferStatus.InTransit)
        {
            await ForgetReminderAsync(OverdueReminder);
            return;
        }

        var grace = TimeSpan.FromMinutes(options.Value.OverdueGraceMinutes);
        if (transfer.Overdue)
        {
            await ForgetReminderAsync(OverdueReminder);
            return;
        }

        if (transfer.Eta is null || DateTimeOffset.UtcNow < transfer.Eta.Value + grace)
        {
            return;
        }

        // The alert is idempotent per transfer, so raising before storing cannot duplicate it if the write fails.
        var late = DateTimeOffset.UtcNow - transfer.Eta.Value;
        await GrainFactory.Reference<IAlertsGrain>(transfer.To).RaiseAsync(new Alert(
            OverdueAlertId, transfer.To, AlertKind.TransferOverdue, AlertSeverity.Warning,
            string.Create(CultureInfo.InvariantCulture, $"Transfer {Id} from {transfer.From} ({transfer.Items.Count} items) was due {transfer.Eta:u} and is {late.TotalMinutes:0} min late."),
            Id, DateTimeOffset.UtcNow));
        TransferMetrics.Overdue.Add(1);
        await SaveAndAnnounceAsync(transfer with { Overdue = true, UpdatedAt = DateTimeOffset.UtcNow, Version = transfer.Version + 1 });
        await ForgetReminderAsync(OverdueReminder);
    }

    private async Task SettleOnReminderAsync(TransferSnapshot? transfer)
    {
        if (transfer is not { Status: TransferStatus.Arrived })
        {
            await ForgetReminderAsync(SettleReminder);
            return;
        }

        // Settled once no item has arrived for the settle time. Until then the timer decides; an activation that lost it
        // (this one may have just been started by the reminder) gets a new one.
        if (DateTimeOffset.UtcNow - transfer.UpdatedAt >= TimeSpan.FromSeconds(options.Value.ArrivalSettleSeconds))
        {
            await ReconcileAsync(transfer, Actor.System, "arrival settled");
        }
        else if (_settleTimer is null)
        {
            RestartSettleTimer();
        }
    }

    private string OverdueAlertId => $"transfer-overdue:{Id}";

    private string DiscrepancyAlertId => $"transfer-discrepancy:{Id}";

    private async Task<TransferSnapshot> DepartureReadAsync(TransferSnapshot transfer, TransferDockRead read, Actor device)
    {
        var item = transfer.Items.FirstOrDefault(i => Same(i.ItemId, read.ItemId));
        if (item is null || item.State != TransferItemState.Staged || transfer.Status is not (TransferStatus.Staged or TransferStatus.InTransit))
        {
            // A repeated read, or one after the transfer has moved on: nothing to change.
            return transfer;
        }

        await DepartItemAsync(item.ItemId, device);
        var items = transfer.Items.Select(i => i == item ? i with { State = TransferItemState.Departed, UpdatedAt = read.At, Device = read.ReaderId } : i).ToList();
        transfer = transfer with { Items = items, UpdatedAt = DateTimeOffset.UtcNow, Version = transfer.Version + 1 };
        if (transfer.Status == TransferStatus.Staged)
        {
            // The first item through the outbound gate means the load is leaving.
            var departed = await SaveAndAnnounceAsync(Depart(transfer, read.At, device, $"departure read by {read.ReaderId}"));
            await ScheduleOverdueAsync(departed);
            return departed;
        }

        return await SaveAsync(transfer);
    }

    private async Task<TransferSnapshot> ArrivalReadAsync(TransferSnapshot transfer, TransferDockRead read, Actor device)
    {
        if (transfer.Status is TransferStatus.Planned or TransferStatus.Approved or TransferStatus.Cancelled)
        {
            LogIgnoredRead(logger, Id, read.ItemId, read.ReaderId, read.Warehouse);
            return transfer;
        }

        var original = transfer;
        if (transfer.Status is TransferStatus.Staged or TransferStatus.InTransit)
        {
            // Arrival can be read before a departure read (a missed outbound gate): the items still arrived.
            if (transfer.Status == TransferStatus.Staged)
            {
                transfer = Depart(transfer, read.At, device, "no departure read; departed on arrival");
            }

            transfer = Step(transfer with { ArrivedAt = read.At, Overdue = false }, TransferStatus.Arrived, device, $"arrival read by {read.ReaderId}");
            await this.RegisterOrUpdateReminder(SettleReminder, TimeSpan.FromSeconds(options.Value.ArrivalSettleSeconds), TimeSpan.FromMinutes(1));
        }

        transfer = await ItemArrivedAsync(transfer, read.ItemId, read.Location, device, read.At, read.ReaderId);
        if (ReferenceEquals(transfer, original))
        {
            return original;
        }

        TransferSnapshot saved;
        if (transfer.Status == TransferStatus.Arrived && TransferLifecycle.AllArrived(transfer.Items))
        {
            saved = await ReconcileAsync(transfer, Actor.System, "every item read at the inbound dock");
        }
        else
        {
            // Item-by-item arrivals change no status, so only a status change goes out to the live maps.
            saved = transfer.Status != original.Status ? await SaveAndAnnounceAsync(transfer) : await SaveAsync(transfer);
            if (saved.Status == TransferStatus.Arrived)
            {
                RestartSettleTimer();
            }
        }

        if (original.Status is TransferStatus.Staged or TransferStatus.InTransit)
        {
            // Only once the arrival is stored: a read that failed (the item refused to arrive) must leave the overdue
            // watch running, or a transfer that never arrived would go quiet.
            await GrainFactory.Reference<IAlertsGrain>(saved.To).ClearAsync(OverdueAlertId);
            await ForgetReminderAsync(OverdueReminder);
        }

        return saved;
    }

    /// <summary>
    /// One item reached the destination. On the manifest: it enters the destination's flow (unless the item grain has
    /// already taken it in). Not on it: flagged unexpected at once.
    /// </summary>
    private async Task<TransferSnapshot> ItemArrivedAsync(TransferSnapshot transfer, string itemId, string location, Actor actor, DateTimeOffset at, string? device)
    {
        var entry = transfer.Items.FirstOrDefault(i => Same(i.ItemId, itemId));
        if (entry?.State is TransferItemState.Arrived or TransferItemState.Unexpected)
        {
            return transfer;
        }

        if (entry is null)
        {
            TransferMetrics.ItemsUnexpected.Add(1);
            LogUnexpected(logger, Id, itemId, transfer.To);
            var unexpected = new TransferItem(itemId, TransferItemState.Unexpected, at, device);
            return transfer with { Items = [.. transfer.Items, unexpected], UpdatedAt = DateTimeOffset.UtcNow, Version = transfer.Version + 1 };
        }

        // The manifest's spelling is the item's id (a scanner may send an EPC in lower case).
        var grain = GrainFactory.Reference<IReturnedItemGrain>(entry.ItemId);
        var item = await grain.GetAsync();
        if (item is not null && item.Status != ItemStatus.InTransit && Same(item.Warehouse, transfer.From))
        {
            await DepartItemAsync(entry.ItemId, actor);
            item = await grain.GetAsync();
        }

        if (item is not null && (item.Status is ItemStatus.InTransit or ItemStatus.Missing || !Same(item.Warehouse, transfer.To)))
        {
            await grain.ArriveAsync(Id, transfer.To, location, actor);
        }

        var items = transfer.Items.Select(i => i == entry ? i with { State = TransferItemState.Arrived, UpdatedAt = at, Device = device } : i).ToList();
        return transfer with { Items = items, UpdatedAt = DateTimeOffset.UtcNow, Version = transfer.Version + 1 };
    }

    /// <summary>Receipt: whatever left but was not seen arriving is missing now, and the discrepancy is raised at once.</summary>
    private async Task<TransferSnapshot> ReconcileAsync(TransferSnapshot transfer, Actor actor, string note)
    {
        _settleTimer?.Dispose();
        _settleTimer = null;
        var (arrivedOtherwise, elsewhere) = await WhereNotReadAsync(transfer);
        var missing = TransferLifecycle.MissingOnReceipt(transfer.Items).Where(id => !arrivedOtherwise.Contains(id) && !elsewhere.ContainsKey(id)).ToList();
        var now = DateTimeOffset.UtcNow;
        var items = transfer.Items.Select(i =>
            arrivedOtherwise.Contains(i.ItemId) ? i with { State = TransferItemState.Arrived, UpdatedAt = now }
            : missing.Contains(i.ItemId) || elsewhere.ContainsKey(i.ItemId) ? i with { State = TransferItemState.Missing, UpdatedAt = now }
            : i).ToList();
        var unexpected = items.Count(i => i.State == TransferItemState.Unexpected);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{note}: {items.Count(i => i.State == TransferItemState.Arrived)} arrived, {missing.Count + elsewhere.Count} missing, {unexpected} unexpected");
        var received = Step(transfer with { Items = items, ReceivedAt = now }, TransferStatus.Received, actor, summary);
        if (missing.Count == 0 && elsewhere.Count == 0 && unexpected == 0)
        {
            received = Step(received with { ClosedAt = now }, TransferStatus.Closed, actor, "closed: no discrepancies");
        }

        // Stored first: if marking an item fails, the transfer already says it is missing and the alert still goes out.
        var saved = await SaveAndAnnounceAsync(received);
        await ForgetReminderAsync(SettleReminder);
        foreach (var itemId in missing)
        {
            try
            {
                await GrainFactory.Reference<IReturnedItemGrain>(itemId).MarkMissingAsync(actor, $"not received with transfer {Id} at {saved.To}", Id);
            }
            catch (DomainException ex)
            {
                LogMarkMissingFailed(logger, ex, Id, itemId);
            }
        }

        TransferMetrics.ItemsMissing.Add(missing.Count + elsewhere.Count);
        if (missing.Count > 0 || elsewhere.Count > 0 || unexpected > 0)
        {
            var details = new List<string>();
            if (missing.Count > 0)
            {
                details.Add($"missing {string.Join(", ", missing)}");
            }

            if (elsewhere.Count > 0)
            {
                details.Add($"not delivered here, now at {string.Join(", ", elsewhere.Select(e => $"{e.Key} {e.Value}"))}");
            }

            if (unexpected > 0)
            {
                details.Add($"unexpected {string.Join(", ", items.Where(i => i.State == TransferItemState.Unexpected).Select(i => i.ItemId))}");
            }

            await GrainFactory.Reference<IAlertsGrain>(saved.To).RaiseAsync(new Alert(
                DiscrepancyAlertId, saved.To, AlertKind.TransferDiscrepancy, missing.Count + elsewhere.Count > 0 ? AlertSeverity.Critical : AlertSeverity.Warning,
                $"Transfer {Id} from {saved.From}: {string.Join("; ", details)}.", Id, now));
        }

        return saved;
    }

    /// <summary>
    /// The departed items no destination dock read arrived: each is asked where it is. One that arrived here by another
    /// route (read first at an inner gate, or received by hand) counts as arrived; one that is no longer on this transfer
    /// (arrived at another warehouse, received there) is not here but not lost either. Only the rest are marked missing.
    /// </summary>
    private async Task<(HashSet<string> ArrivedOtherwise, Dictionary<string, string> Elsewhere)> WhereNotReadAsync(TransferSnapshot transfer)
    {
        var arrived = new HashSet<string>(StringComparer.Ordinal);
        var elsewhere = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var itemId in TransferLifecycle.MissingOnReceipt(transfer.Items))
        {
            ItemSnapshot? item;
            try
            {
                item = await GrainFactory.Reference<IReturnedItemGrain>(itemId).GetAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogItemUnreadable(logger, ex, Id, itemId);
                continue; // not known to be anywhere: missing
            }

            if (item is null || (item.Status == ItemStatus.InTransit && item.TransferId == Id) || item.Status == ItemStatus.Missing || item.TransferId == Id)
            {
                continue;
            }

            if (Same(item.Warehouse, transfer.To) && item.Location is not null)
            {
                arrived.Add(itemId);
            }
            else
            {
                elsewhere[itemId] = $"{item.Warehouse}/{item.Location ?? item.Status.ToString()}";
            }
        }

        return (arrived, elsewhere);
    }

    private void RestartSettleTimer()
    {
        _settleTimer?.Dispose();
        _settleTimer = this.RegisterGrainTimer(
            async _ =>
            {
                _settleTimer?.Dispose();
                _settleTimer = null;
                if (state.State.Transfer is { Status: TransferStatus.Arrived } arrived)
                {
                    await ReconcileAsync(arrived, Actor.System, "arrival settled");
                }
            },
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(options.Value.ArrivalSettleSeconds), Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>
    /// Every staged item is asked first: one that cannot leave (put on hold since staging, say) refuses the dispatch
    /// before any item departs. Departing the others first left them in transit while the transfer, never saved, still
    /// said Staged, with no ETA and no overdue watch.
    /// </summary>
    private async Task EnsureAllCanDepartAsync(TransferSnapshot transfer)
    {
        var blocked = new List<string>();
        foreach (var entry in transfer.Items.Where(i => i.State == TransferItemState.Staged))
        {
            var item = await GrainFactory.Reference<IReturnedItemGrain>(entry.ItemId).GetAsync();
            var ready = item is not null && Same(item.TransferId, Id)
                && (item.Status == ItemStatus.InTransit || ItemLifecycle.CanApply(new LifecyclePosition(item.Status, item.StatusBeforeHold), ItemTrigger.Depart));
            if (!ready)
            {
                blocked.Add(item is null ? $"{entry.ItemId} (unknown)" : $"{entry.ItemId} ({item.Status}{(Same(item.TransferId, Id) ? "" : ", not on this transfer")})");
            }
        }

        if (blocked.Count > 0)
        {
            throw DomainException.Conflict("transfer-items-cannot-depart", $"Transfer {Id} cannot be dispatched; nothing departed. Items that cannot leave: {string.Join(", ", blocked)}.");
        }
    }

    private async Task DepartItemAsync(string itemId, Actor actor)
    {
        var grain = GrainFactory.Reference<IReturnedItemGrain>(itemId);
        var item = await grain.GetAsync();

        // The item grain may already have left on its own (e.g. it handled the gate read itself).
        if (item is { Status: ItemStatus.InTransit } && Same(item.TransferId, Id))
        {
            return;
        }

        await grain.DepartAsync(Id, actor);
    }

    private TransferSnapshot Depart(TransferSnapshot transfer, DateTimeOffset at, Actor actor, string note)
    {
        var lane = FindLane(transfer.From, transfer.To);
        var eta = at + TimeSpan.FromHours(lane?.TransitHours ?? 0);
        return Step(transfer with { DepartedAt = at, Eta = eta }, TransferStatus.InTransit, actor, $"{note}; ETA {eta:u}");
    }

    private async Task ScheduleOverdueAsync(TransferSnapshot transfer)
    {
        if (transfer.Eta is not { } eta)
        {
            return;
        }

        var due = eta + TimeSpan.FromMinutes(options.Value.OverdueGraceMinutes) - DateTimeOffset.UtcNow;

        // A reminder survives deactivation and restarts; its period only matters if a tick is missed.
        await this.RegisterOrUpdateReminder(OverdueReminder, due > TimeSpan.Zero ? due : TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1));
    }

    private async Task ForgetReminderAsync(string name)
    {
        if (await this.GetReminder(name) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task<TransferSnapshot> MoveAsync(TransferStatus to, Actor actor, string note, Func<TransferSnapshot, TransferSnapshot> change)
    {
        var transfer = Current;
        TransferLifecycle.EnsureCanMove(Id, transfer.Status, to);
        return await SaveAndAnnounceAsync(Step(change(transfer), to, actor, note));
    }

    private static TransferSnapshot Step(TransferSnapshot transfer, TransferStatus to, Actor actor, string note)
    {
        TransferLifecycle.EnsureCanMove(transfer.TransferId, transfer.Status, to);
        var now = DateTimeOffset.UtcNow;
        return transfer with
        {
            Status = to,
            History = [.. transfer.History, new TransferHistoryEntry(now, transfer.Status, to, actor, note)],
            UpdatedAt = now,
            Version = transfer.Version + 1,
        };
    }

    private async Task<TransferSnapshot> SaveAsync(TransferSnapshot transfer)
    {
        var previous = state.State;
        state.State = new TransferGrainState(transfer);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Not stored, so not true: memory goes back to what storage holds, and the next call reloads it.
            state.State = previous;
            DeactivateOnIdle();
            throw;
        }

        return transfer;
    }

    /// <summary>Stores, then publishes on both warehouse streams and the region streams, then updates the region hubs.</summary>
    private async Task<TransferSnapshot> SaveAndAnnounceAsync(TransferSnapshot transfer)
    {
        await SaveAsync(transfer);
        var itemCount = transfer.Items.Count(i => i.State != TransferItemState.Unexpected);
        var at = DateTimeOffset.UtcNow;
        var streams = GrainContext.ActivationServices.GetRequiredService<LiveStreamHandles>();
        var regions = new[] { transfer.From, transfer.To }.Select(w => site.FindWarehouse(w)?.Region).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        try
        {
            foreach (var warehouse in new[] { transfer.From, transfer.To })
            {
                var evt = new TransferChanged(warehouse, at, Id, transfer.From, transfer.To, transfer.Status.ToString(), itemCount, transfer.Eta);
                await (await streams.WarehouseAsync(warehouse)).OnNextAsync(evt);
            }

            foreach (var region in regions)
            {
                await (await streams.RegionAsync(region)).OnNextAsync(new TransferChanged(transfer.From, at, Id, transfer.From, transfer.To, transfer.Status.ToString(), itemCount, transfer.Eta));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Stored already; a lost live event costs a map a resync.
            LogPublishFailed(logger, ex, Id);
        }

        var summary = TransferSummary.Of(transfer);
        foreach (var region in regions)
        {
            await GrainFactory.Reference<IRegionalHubGrain>(region).TransferChangedAsync(summary);
        }

        return transfer;
    }

    private LaneDefinition? FindLane(string from, string to) =>
        site.Site.Lanes.FirstOrDefault(l => Same(l.From, from) && Same(l.To, to));

    private string DefaultDock(string warehouse) =>
        site.FindWarehouse(warehouse)?.Layout.Locations.FirstOrDefault(l => l.Type == ZoneType.Dock)?.Code
        ?? throw DomainException.Invalid("transfer-no-dock", $"{warehouse} has no Dock location to receive at; name one.");

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer {TransferId}: item {ItemId} could not be asked where it is at receipt; counted missing")]
    private static partial void LogItemUnreadable(ILogger logger, Exception ex, string transferId, string itemId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Transfer {TransferId}: read of {ItemId} by {ReaderId} at {Warehouse} does not concern it now; ignored")]
    private static partial void LogIgnoredRead(ILogger logger, string transferId, string itemId, string readerId, string warehouse);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer {TransferId}: item {ItemId} arrived at {Warehouse} but is not on the manifest; flagged unexpected")]
    private static partial void LogUnexpected(ILogger logger, string transferId, string itemId, string warehouse);

    [LoggerMessage(Level = LogLevel.Error, Message = "Transfer {TransferId}: item {ItemId} could not be marked missing")]
    private static partial void LogMarkMissingFailed(ILogger logger, Exception ex, string transferId, string itemId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transfer {TransferId}: live event not published")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string transferId);
}
