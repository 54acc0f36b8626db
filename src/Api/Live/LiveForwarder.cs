using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Live;

/// <summary>
/// This silo's bridge from the live streams to its own SignalR connections. It subscribes only to the warehouses and
/// regions that connections on this silo watch (a feed per group, shared by all its watchers), and drops a feed a while
/// after its last watcher leaves. Silos do not coordinate: each numbers the deltas it sends to its own clients.
/// </summary>
public sealed partial class LiveForwarder : IHostedService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LiveFeed> _feeds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _connections = new(StringComparer.Ordinal);
    private readonly SiteCatalog _site;
    private readonly IHubContext<LiveHub> _hub;
    private readonly LiveOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveForwarder> _logger;
    private readonly LiveFeedContext _context;

    public LiveForwarder(
        IClusterClient client,
        IHubContext<LiveHub> hub,
        LiveBaseReader reader,
        SiteCatalog site,
        IOptions<LiveOptions> options,
        TimeProvider time,
        ILogger<LiveForwarder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _site = site;
        _hub = hub;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _context = new LiveFeedContext(client, hub, reader, _options, time, this, logger);
    }

    /// <summary>Adds the connection to the warehouse's group and returns the snapshot it continues from.</summary>
    public async Task<WarehouseSnapshot> WatchWarehouseAsync(string connectionId, string code)
    {
        var warehouse = _site.FindWarehouse(code) ?? throw new HubException($"Unknown warehouse '{code}'.");
        var snapshot = await WatchAsync(connectionId, WarehouseFeed.GroupOf(warehouse.Code), () => new WarehouseFeed(warehouse, _context));
        return (WarehouseSnapshot)snapshot;
    }

    /// <summary>Adds the connection to the region's group and returns the snapshot it continues from.</summary>
    public async Task<RegionSnapshot> WatchRegionAsync(string connectionId, string code)
    {
        var region = _site.Regions.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase))
            ?? throw new HubException($"Unknown region '{code}'.");
        var members = _site.WarehousesInRegion(region.Code).ToList();
        var snapshot = await WatchAsync(connectionId, RegionFeed.GroupOf(region.Code), () => new RegionFeed(region, members, _context));
        return (RegionSnapshot)snapshot;
    }

    public Task UnwatchWarehouseAsync(string connectionId, string code) =>
        UnwatchAsync(connectionId, WarehouseFeed.GroupOf(_site.FindWarehouse(code)?.Code ?? code));

    public Task UnwatchRegionAsync(string connectionId, string code) =>
        UnwatchAsync(connectionId, RegionFeed.GroupOf(_site.Regions.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase))?.Code ?? code));

    private async Task UnwatchAsync(string connectionId, string group)
    {
        lock (_lock)
        {
            ReleaseLocked(connectionId, group);
        }

        await _hub.Groups.RemoveFromGroupAsync(connectionId, group);
    }

    public void Disconnected(string connectionId)
    {
        lock (_lock)
        {
            if (_connections.Remove(connectionId, out var groups))
            {
                foreach (var group in groups)
                {
                    ReleaseLocked(connectionId, group, keepConnection: true);
                }
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<LiveFeed> feeds;
        lock (_lock)
        {
            feeds = [.. _feeds.Values];
            foreach (var feed in feeds)
            {
                feed.Retired = true;
            }

            _feeds.Clear();
            _connections.Clear();
        }

        // Unsubscribe while the silo still runs, so no subscription of this silo outlives it in the pub-sub store.
        await Task.WhenAll(feeds.Select(f => f.StopAsync()));
        LiveMetrics.Feeds.Add(-feeds.Count);
    }

    /// <summary>Connections on this silo watching the feed (its fan-out).</summary>
    internal int WatcherCount(LiveFeed feed)
    {
        lock (_lock)
        {
            return feed.Watchers.Count;
        }
    }

    /// <summary>Called by a feed's loop: retire it if nobody has watched it for <see cref="LiveOptions.Linger"/>.</summary>
    internal bool TryRetire(LiveFeed feed)
    {
        lock (_lock)
        {
            if (feed.Retired)
            {
                return true;
            }

            if (feed.Watchers.Count > 0 || feed.EmptySince is not { } since || _time.GetUtcNow() - since < _options.Linger)
            {
                return false;
            }

            feed.Retired = true;
            _feeds.Remove(feed.Group);
        }

        LiveMetrics.Feeds.Add(-1);
        LogRetired(_logger, feed.Group);
        return true;
    }

    private async Task<object> WatchAsync(string connectionId, string group, Func<LiveFeed> create)
    {
        LiveFeed feed;
        lock (_lock)
        {
            var groups = _connections.TryGetValue(connectionId, out var known) ? known : _connections[connectionId] = new(StringComparer.OrdinalIgnoreCase);
            if (!groups.Contains(group) && groups.Count >= _options.MaxGroupsPerConnection)
            {
                throw new HubException($"A connection may watch at most {_options.MaxGroupsPerConnection} warehouses and regions.");
            }

            if (!_feeds.TryGetValue(group, out feed!) || feed.Retired)
            {
                feed = create();
                _feeds[group] = feed;
                feed.Start();
                LiveMetrics.Feeds.Add(1);
                LogStarted(_logger, group);
            }

            groups.Add(group);
            feed.Watchers.Add(connectionId);
            feed.EmptySince = null;
        }

        try
        {
            await feed.Ready;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lock (_lock)
            {
                if (_feeds.TryGetValue(group, out var current) && current == feed)
                {
                    _feeds.Remove(group);
                    feed.Retired = true;
                    LiveMetrics.Feeds.Add(-1);
                }

                ReleaseLocked(connectionId, group);
            }

            LogStartFailed(_logger, group, ex);
            throw new HubException($"The live feed of {group} could not start; try again.");
        }

        // Join the group first, then take the snapshot: every delta numbered after the snapshot reaches this connection.
        await _hub.Groups.AddToGroupAsync(connectionId, group);
        LiveMetrics.SnapshotsServed.Add(1);
        return feed.Snapshot();
    }

    private void ReleaseLocked(string connectionId, string group, bool keepConnection = false)
    {
        if (!keepConnection && _connections.TryGetValue(connectionId, out var groups))
        {
            groups.Remove(group);
            if (groups.Count == 0)
            {
                _connections.Remove(connectionId);
            }
        }

        if (_feeds.TryGetValue(group, out var feed) && feed.Watchers.Remove(connectionId) && feed.Watchers.Count == 0)
        {
            feed.EmptySince = _time.GetUtcNow();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed {Group} started on this silo")]
    private static partial void LogStarted(ILogger logger, string group);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed {Group} retired: nobody on this silo watches it")]
    private static partial void LogRetired(ILogger logger, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Group} could not start")]
    private static partial void LogStartFailed(ILogger logger, string group, Exception ex);
}
