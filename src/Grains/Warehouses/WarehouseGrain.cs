using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Hosting;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Items;

namespace Tracking.Grains.Warehouses;

/// <summary>
/// One warehouse: inventory from its locations' batched summaries (staged aggregation), and the inspection queue from
/// the locations those summaries say hold items waiting for a grade, asked when the queue is wanted.
/// Holds nothing durable: on activation it asks each location for its summary, then the locations push changes.
/// A reminder wakes it so the inspection SLA is watched even when the floor is quiet.
/// </summary>
public sealed partial class WarehouseGrain(
    SiteCatalog site,
    IOptions<LifecycleOptions> options,
    TimeProvider time,
    ILogger<WarehouseGrain> logger) : Grain, IWarehouseGrain, IRemindable
{
    private const string SlaReminder = "inspection-sla";
    private readonly Dictionary<string, LocationSummary> _locations = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _overdueAlerted = new(StringComparer.Ordinal);

    // Whether this activation has taken over the SLA alerts that earlier ones raised (they stay open across restarts).
    private bool _overdueAlertsLoaded;
    private WarehouseDefinition _definition = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        _definition = site.FindWarehouse(code) ?? throw DomainException.NotFound("warehouse-not-found", $"Warehouse '{code}' does not exist.");
        var summaries = await Task.WhenAll(_definition.Layout.Locations.Select(l =>
            GrainFactory.Reference<ILocationGrain>(SiteCatalog.LocationId(_definition.Code, l.Code)).GetSummaryAsync()));
        foreach (var s in summaries)
        {
            _locations[s.Code] = s;
        }

        var interval = options.Value.SlaCheckInterval;
        this.RegisterGrainTimer(CheckSlaAsync, new GrainTimerCreationOptions(interval, interval) { Interleave = false });
        try
        {
            await this.RegisterOrUpdateReminder(SlaReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogReminderFailed(ex, _definition.Code);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckSlaAsync(CancellationToken.None);

    public Task ReportAsync(LocationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        // Versions order one activation's reports; a new activation (after a crash, with the version it last stored,
        // possibly lower than it reported) starts its own order.
        if (!_locations.TryGetValue(summary.Code, out var known) || known.Version <= summary.Version || known.Activation != summary.Activation)
        {
            _locations[summary.Code] = summary;
        }

        return Task.CompletedTask;
    }

    public Task<WarehouseInventory> GetInventoryAsync()
    {
        var all = _locations.Values.ToList();
        return Task.FromResult(new WarehouseInventory(
            _definition.Code,
            Sum(all.Select(l => l.ByStatus)),
            Sum(all.Select(l => l.ByGrade)),
            Sum(all.Select(l => l.ByDisposition)),
            [.. _definition.Layout.Locations.Select(l => _locations.TryGetValue(l.Code, out var s)
                ? new LocationCount(l.Code, l.Type, s.Count, l.Capacity, s.ByStatus, s.AsOf == default ? null : s.AsOf)
                : new LocationCount(l.Code, l.Type, 0, l.Capacity, new Dictionary<ItemStatus, int>()))],
            time.GetUtcNow()));
    }

    public async Task<IReadOnlyList<InspectionQueueEntry>> GetInspectionQueueAsync(int limit = int.MaxValue)
    {
        var queue = await QueueAsync();
        return queue.Count <= limit ? queue : queue.Take(Math.Max(0, limit)).ToArray();
    }

    /// <summary>
    /// Asks the locations whose last summary counted items waiting for a grade for those items. Only when the queue is
    /// wanted: sent with every summary, an inspection area's thousands of items were copied four times a second.
    /// </summary>
    private async Task<IReadOnlyList<InspectionQueueEntry>> QueueAsync()
    {
        var waiting = _locations.Values
            .Where(l => ItemLifecycle.AwaitingGrade.Any(s => l.ByStatus.GetValueOrDefault(s) > 0))
            .Select(l => l.Code)
            .ToList();
        var items = await Task.WhenAll(waiting.Select(code =>
            GrainFactory.Reference<ILocationGrain>(SiteCatalog.LocationId(_definition.Code, code)).GetAwaitingInspectionAsync()));
        return InspectionQueue.Order(
            waiting.Zip(items).SelectMany(l => l.Second.Select(i => (Location: l.First, Item: i))),
            TimeSpan.FromHours(_definition.InspectionSlaHours),
            time.GetUtcNow());
    }

    private async Task CheckSlaAsync(CancellationToken cancellationToken)
    {
        if (this.SiloIsStopping())
        {
            // The locations it would ask are deactivating with the silo and cannot be placed again: every call would fail
            // (and Orleans logs each failure as an error). The durable reminder checks again once the warehouse is back.
            return;
        }

        IReadOnlyList<InspectionQueueEntry> queue;
        try
        {
            queue = await QueueAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogQueueFailed(ex, _definition.Code);
            return;
        }

        var overdue = queue.Where(e => e.Overdue).ToList();
        var alerts = GrainFactory.Reference<IAlertsGrain>(_definition.Code);
        if (!_overdueAlertsLoaded)
        {
            // Raised by an earlier activation: cleared below like this one's once their items are no longer overdue.
            try
            {
                _overdueAlerted.UnionWith((await alerts.GetOpenAsync()).Where(a => a.Kind == AlertKind.SlaOverdue && a.SubjectId is not null).Select(a => a.SubjectId!));
                _overdueAlertsLoaded = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogQueueFailed(ex, _definition.Code);
                return;
            }
        }

        foreach (var entry in overdue.Where(e => !_overdueAlerted.Contains(e.ItemId)))
        {
            try
            {
                await alerts.RaiseAsync(new Alert(
                    $"sla-overdue:{entry.ItemId}",
                    _definition.Code,
                    AlertKind.SlaOverdue,
                    AlertSeverity.Warning,
                    $"Item {entry.ItemId} at {entry.Location} has waited for inspection since {entry.ReceivedAt:u} (due {entry.DueAt:u}).",
                    entry.ItemId,
                    time.GetUtcNow()));
                _overdueAlerted.Add(entry.ItemId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAlertFailed(ex, entry.ItemId);
                return;
            }
        }

        var stillOverdue = overdue.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal);
        foreach (var done in _overdueAlerted.Where(id => !stillOverdue.Contains(id)).ToList())
        {
            try
            {
                await alerts.ClearAsync($"sla-overdue:{done}");
                _overdueAlerted.Remove(done);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogAlertFailed(ex, done);
                return;
            }
        }
    }

    private static Dictionary<TKey, int> Sum<TKey>(IEnumerable<IReadOnlyDictionary<TKey, int>> parts)
        where TKey : notnull
    {
        var total = new Dictionary<TKey, int>();
        foreach (var (key, count) in parts.SelectMany(p => p))
        {
            total[key] = total.GetValueOrDefault(key) + count;
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLA alert for item {ItemId} could not be raised or cleared; retrying on the next check")]
    private partial void LogAlertFailed(Exception ex, string itemId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warehouse {Warehouse} could not read its inspection queue from its locations; the SLA is checked again on the next tick")]
    private partial void LogQueueFailed(Exception ex, string warehouse);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warehouse {Warehouse} could not register its SLA reminder; the SLA is checked only while it is active")]
    private partial void LogReminderFailed(Exception ex, string warehouse);
}
