using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Transfers;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Regions;

/// <summary>
/// A region's hub. Pulls member inventories on a timer (so no item event ever calls it), keeps the index of transfers
/// touching the region (fed one-way by transfer grains), and plans: builds the planner input from its own backlog,
/// the backlog other hubs report for lane destinations outside the region, and the transfers already committed.
/// </summary>
public sealed partial class RegionalHubGrain(
    [PersistentState("hub")] IPersistentState<RegionalHubState> state,
    SiteCatalog site,
    IOptions<TransferOptions> transferOptions,
    IOptions<RegionOptions> regionOptions,
    ILogger<RegionalHubGrain> logger) : Grain, IRegionalHubGrain, IRemindable
{
    private const string PlanReminder = "plan";
    private const int FinishedTransfersKept = 200;
    private RegionBacklog? _backlog;

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string Code => _key ??= this.GetPrimaryKeyString();

    private RegionDefinition Region =>
        site.Regions.FirstOrDefault(r => string.Equals(r.Code, Code, StringComparison.OrdinalIgnoreCase))
        ?? throw DomainException.NotFound("region-not-found", $"Region '{Code}' does not exist.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (site.Regions.All(r => !string.Equals(r.Code, Code, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var refresh = TimeSpan.FromSeconds(Math.Max(1, regionOptions.Value.RefreshSeconds));
        this.RegisterGrainTimer(RefreshOnTimerAsync, new GrainTimerCreationOptions(refresh, refresh) { KeepAlive = true });
        var interval = transferOptions.Value.PlanIntervalMinutes;
        if (interval > 0)
        {
            var period = TimeSpan.FromMinutes(Math.Max(1, interval));
            await this.RegisterOrUpdateReminder(PlanReminder, period, period);
        }
        else if (await this.GetReminder(PlanReminder) is { } stale)
        {
            await this.UnregisterReminder(stale);
        }
    }

    public Task StartAsync()
    {
        _ = Region;
        return Task.CompletedTask;
    }

    public Task<RegionSummary> GetSummaryAsync()
    {
        var region = Region;
        return Task.FromResult(new RegionSummary(
            region.Code, region.Name, region.HubWarehouse, site.WarehousesInRegion(region.Code).Select(w => w.Code).ToList(),
            Transfers.Count(t => TransferLifecycle.IsOpen(t.Status)), _backlog?.AsOf));
    }

    public async Task<RegionBacklog> GetBacklogAsync()
    {
        var backlog = _backlog ?? await PullAsync(CancellationToken.None);
        return backlog with { Transfers = Transfers.Where(t => TransferLifecycle.IsOpen(t.Status)).ToList() };
    }

    public async Task<RegionBacklog> RefreshAsync()
    {
        await PullAsync(CancellationToken.None);
        return await GetBacklogAsync();
    }

    public Task<IReadOnlyList<TransferSummary>> GetTransfersAsync(TransferStatus? status = null) =>
        Task.FromResult<IReadOnlyList<TransferSummary>>(Transfers.Where(t => status is null || t.Status == status).ToList());

    public async Task TransferChangedAsync(TransferSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (Track(summary))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<RegionPlan> PlanAsync(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var region = Region;
        var started = Stopwatch.GetTimestamp();
        var now = DateTimeOffset.UtcNow;
        var planId = string.Create(CultureInfo.InvariantCulture, $"PLAN-{region.Code}-{now:yyMMddHHmmss}");
        var notes = new List<string>();

        // Proposals nobody approved are replaced by this run's: they were computed from an older backlog.
        foreach (var stale in Transfers.Where(t => t.Status == TransferStatus.Planned && t.PlannedBy is not null && t.PlannedBy.StartsWith($"PLAN-{region.Code}-", StringComparison.Ordinal)).ToList())
        {
            try
            {
                Track(TransferSummary.Of(await GrainFactory.Reference<ITransferGrain>(stale.TransferId).RejectAsync(Actor.System, $"superseded by {planId}")));
            }
            catch (DomainException ex)
            {
                // Approved meanwhile: it stays, and counts as committed below.
                LogNotSuperseded(logger, stale.TransferId, ex.Message);
            }
        }

        var own = await PullAsync(CancellationToken.None);
        var (input, members) = await BuildInputAsync(own, notes);
        var outcome = TransferPlanner.Plan(input, transferOptions.Value.Planner.ToSettings());

        var created = new List<PlannedTransfer>();
        foreach (var proposal in outcome.Proposals)
        {
            var id = TransferIds.New(now);
            var transfer = GrainFactory.Reference<ITransferGrain>(id);
            var snapshot = await transfer.CreateAsync(new CreateTransfer(proposal.From, proposal.To, proposal.Stage, proposal.Quantity, actor, proposal, planId));
            var autoApproval = transferOptions.Value.AutoApprove.Approves(proposal, RegionOf(proposal.From), RegionOf(proposal.To));
            if (autoApproval is not null)
            {
                snapshot = await transfer.ApproveAsync(Actor.System, autoApproval);
                TransferMetrics.TransfersAutoApproved.Add(1);
            }

            Track(TransferSummary.Of(snapshot));
            created.Add(new PlannedTransfer(id, snapshot.Status, proposal, autoApproval));
        }

        await state.WriteStateAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        TransferMetrics.PlansRun.Add(1);
        TransferMetrics.PlanDuration.Record(elapsed.TotalMilliseconds);
        LogPlanned(logger, planId, created.Count, outcome.Totals.ItemsMoved, outcome.Totals.WaitingItemDaysBefore, outcome.Totals.WaitingItemDaysAfter, members);
        return new RegionPlan(planId, region.Code, now, created, outcome.Totals, outcome.Optimal, outcome.Solver, notes);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PlanReminder)
        {
            return;
        }

        try
        {
            await PlanAsync(Actor.System);
        }
        catch (DomainException ex)
        {
            LogPeriodicPlanFailed(logger, ex, Code);
        }
    }

    private IEnumerable<TransferSummary> Transfers => state.State.Transfers.Values.OrderByDescending(t => t.UpdatedAt);

    /// <summary>
    /// The planner's view: queues of every warehouse the region's lanes reach, net of transfers already committed
    /// (approved or staged: leaving the origin, arriving at the destination, using lane capacity and intake today;
    /// in transit: arriving). Warehouses whose inventory has not been read are left out rather than taken as empty.
    /// </summary>
    private async Task<(PlanningInput Input, int Members)> BuildInputAsync(RegionBacklog own, List<string> notes)
    {
        var backlogs = own.Warehouses.ToDictionary(w => w.Warehouse, StringComparer.OrdinalIgnoreCase);
        var transfers = Transfers.ToDictionary(t => t.TransferId);
        var members = backlogs.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lanes = site.Site.Lanes.Where(l => members.Contains(l.From)).ToList();
        foreach (var foreignRegion in lanes.Select(l => RegionOf(l.To)).Where(r => !string.Equals(r, Code, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var foreign = await GrainFactory.Reference<IRegionalHubGrain>(foreignRegion).GetBacklogAsync();
            foreach (var w in foreign.Warehouses)
            {
                backlogs.TryAdd(w.Warehouse, w);
            }

            foreach (var t in foreign.Transfers)
            {
                transfers.TryAdd(t.TransferId, t);
            }
        }

        foreach (var blind in backlogs.Values.Where(b => b.InventoryAsOf is null).Select(b => b.Warehouse).Order(StringComparer.Ordinal))
        {
            notes.Add($"{blind} left out: its inventory has not been read yet");
        }

        var known = backlogs.Values.Where(b => b.InventoryAsOf is not null).ToDictionary(b => b.Warehouse, StringComparer.OrdinalIgnoreCase);
        var committed = transfers.Values.Where(t => TransferLifecycle.IsCommitted(t.Status)).ToList();
        var arriving = transfers.Values.Where(t => t.Status is TransferStatus.InTransit or TransferStatus.Arrived).ToList();
        var queues = new List<PlanningQueue>();
        foreach (var backlog in known.Values)
        {
            foreach (var stage in backlog.Stages)
            {
                bool Here(TransferSummary t, string end) => string.Equals(end, backlog.Warehouse, StringComparison.OrdinalIgnoreCase) && t.Stage == stage.Stage;
                var leaving = committed.Where(t => Here(t, t.From)).Sum(t => t.Quantity);
                var coming = committed.Where(t => Here(t, t.To)).Sum(t => t.Quantity);
                var onTheWay = arriving.Where(t => Here(t, t.To)).Sum(t => t.OnTheWay);
                var intake = Math.Min(stage.DailyCapacity, coming);
                if (coming > stage.DailyCapacity)
                {
                    notes.Add($"{backlog.Warehouse} {stage.Stage}: {coming} items committed for intake exceed its daily capacity {stage.DailyCapacity}");
                }

                queues.Add(new PlanningQueue(backlog.Warehouse, stage.Stage, Math.Max(0, stage.Items - leaving + coming + onTheWay), stage.DailyCapacity, intake,
                    Present: Math.Max(0, stage.Items - leaving)));
            }
        }

        var planningLanes = lanes
            .Where(l => known.ContainsKey(l.From) && known.ContainsKey(l.To))
            .Select(l =>
            {
                var used = committed.Where(t => string.Equals(t.From, l.From, StringComparison.OrdinalIgnoreCase) && string.Equals(t.To, l.To, StringComparison.OrdinalIgnoreCase)).Sum(t => t.Quantity);
                return new PlanningLane(l.From, l.To, l.CostPerItem, l.TransitHours, l.DailyCapacity, Math.Min(Math.Max(0, l.DailyCapacity), used));
            })
            .ToList();
        var origins = members.Where(known.ContainsKey).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return (new PlanningInput(queues, planningLanes, origins), origins.Count);
    }

    /// <summary>Reads every member warehouse's inventory; a warehouse that does not answer keeps its last reading.</summary>
    private async Task<RegionBacklog> PullAsync(CancellationToken cancellationToken)
    {
        var region = Region;
        var previous = _backlog?.Warehouses.ToDictionary(w => w.Warehouse, StringComparer.OrdinalIgnoreCase);
        var warehouses = new List<WarehouseBacklog>();
        foreach (var definition in site.WarehousesInRegion(region.Code))
        {
            try
            {
                var inventory = await GrainFactory.Reference<IWarehouseGrain>(definition.Code).GetInventoryAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                warehouses.Add(WarehouseBacklogCalculator.Compute(definition, inventory));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogPullFailed(logger, ex, region.Code, definition.Code);
                warehouses.Add(previous?.GetValueOrDefault(definition.Code) ?? WarehouseBacklogCalculator.Compute(definition, null));
            }
        }

        var lanes = site.Site.Lanes.Where(l => warehouses.Any(w => string.Equals(w.Warehouse, l.From, StringComparison.OrdinalIgnoreCase) || string.Equals(w.Warehouse, l.To, StringComparison.OrdinalIgnoreCase))).ToList();
        _backlog = new RegionBacklog(region.Code, region.HubWarehouse, warehouses, lanes, [], DateTimeOffset.UtcNow);
        return _backlog;
    }

    private async Task RefreshOnTimerAsync(CancellationToken cancellationToken)
    {
        await PullAsync(cancellationToken);
        await RecheckOpenTransfersAsync(cancellationToken);
    }

    /// <summary>
    /// Transfers tell the hub of each step one-way, which Orleans delivers at most once: a step lost with a silo, or a
    /// hub write that failed, left an entry open for good, counting its lane and intake in every plan. Each open entry
    /// is read again from its transfer, whose state is the truth.
    /// </summary>
    private async Task RecheckOpenTransfersAsync(CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var open in Transfers.Where(t => TransferLifecycle.IsOpen(t.Status)).ToArray())
        {
            try
            {
                var snapshot = await GrainFactory.Reference<ITransferGrain>(open.TransferId).GetAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (snapshot is not null)
                {
                    changed |= Track(TransferSummary.Of(snapshot));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRecheckFailed(logger, ex, Code, open.TransferId);
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    /// <summary>Keeps the newest version of each transfer, and only the latest finished ones.</summary>
    private bool Track(TransferSummary summary)
    {
        var index = state.State.Transfers;
        if (index.TryGetValue(summary.TransferId, out var known) && known.Version >= summary.Version)
        {
            return false;
        }

        index[summary.TransferId] = summary;
        var finished = index.Values.Where(t => !TransferLifecycle.IsOpen(t.Status)).OrderByDescending(t => t.UpdatedAt).Skip(FinishedTransfersKept).ToList();
        finished.ForEach(t => index.Remove(t.TransferId));
        return true;
    }

    private string RegionOf(string warehouse) => site.FindWarehouse(warehouse)?.Region ?? string.Empty;

    [LoggerMessage(Level = LogLevel.Information, Message = "{PlanId}: {Transfers} transfers, {Items} items; waiting {Before:0.#} -> {After:0.#} item-days over {Members} member warehouses")]
    private static partial void LogPlanned(ILogger logger, string planId, int transfers, int items, double before, double after, int members);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: inventory of {Warehouse} could not be read; keeping the last reading")]
    private static partial void LogPullFailed(ILogger logger, Exception ex, string region, string warehouse);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Region {Region}: transfer {TransferId} could not be read again; its entry stays as it is")]
    private static partial void LogRecheckFailed(ILogger logger, Exception ex, string region, string transferId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer {TransferId} was not superseded: {Reason}")]
    private static partial void LogNotSuperseded(ILogger logger, string transferId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Periodic planning of region {Region} failed")]
    private static partial void LogPeriodicPlanFailed(ILogger logger, Exception ex, string region);
}

/// <summary>Stored state of a hub: the transfers touching its region, by id.</summary>
[GenerateSerializer]
public sealed class RegionalHubState
{
    [Id(0)]
    public Dictionary<string, TransferSummary> Transfers { get; set; } = new(StringComparer.Ordinal);
}
