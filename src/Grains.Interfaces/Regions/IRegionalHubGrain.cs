using Orleans.Concurrency;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Interfaces.Regions;

/// <summary>
/// A region's coordinator, keyed by region code. Pulls its member warehouses' inventories on a timer (no per-item
/// calls reach it), keeps an index of the transfers touching the region, and plans transfers on demand and
/// periodically.
/// </summary>
public interface IRegionalHubGrain : IGrainWithStringKey
{
    Task<RegionSummary> GetSummaryAsync();

    /// <summary>The last pulled backlog (pulled now if never pulled). Interleaves: hubs ask each other during planning.</summary>
    [AlwaysInterleave]
    Task<RegionBacklog> GetBacklogAsync();

    /// <summary>Pulls every member warehouse's inventory now.</summary>
    Task<RegionBacklog> RefreshAsync();

    /// <summary>Runs the planner and creates its proposals as transfers, superseding this hub's earlier unapproved ones.</summary>
    Task<RegionPlan> PlanAsync(Actor actor);

    /// <summary>Transfers touching the region, newest first, optionally of one status.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<TransferSummary>> GetTransfersAsync(TransferStatus? status = null);

    /// <summary>
    /// A transfer changed. One-way so a transfer created during this hub's own planning run cannot deadlock it;
    /// summaries carry a version so late or repeated ones are ignored.
    /// </summary>
    [OneWay]
    Task TransferChangedAsync(TransferSummary summary);

    /// <summary>Wakes the hub so its timers and the periodic-planning reminder run (called once per silo at start).</summary>
    Task StartAsync();
}
