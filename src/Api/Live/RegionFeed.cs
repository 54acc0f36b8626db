using Orleans.Runtime;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>The feed of one region: group <c>region:{code}</c>, client method <c>regionDelta</c>.</summary>
internal sealed class RegionFeed(RegionDefinition region, IReadOnlyList<WarehouseDefinition> members, LiveFeedContext context)
    : LiveFeed(GroupOf(region.Code), "regionDelta", StreamId.Create(LiveStreams.RegionNamespace, region.Code), context)
{
    private readonly RegionView _view = new(region, members, Guid.NewGuid().ToString("N")[..12]);

    public static string GroupOf(string code) => $"region:{code}";

    protected override bool HasPendingLocked => _view.HasPending;

    public override object Snapshot()
    {
        lock (ViewLock)
        {
            return _view.Snapshot(Context.Time.GetUtcNow());
        }
    }

    protected override void ApplyLocked(LiveEvent evt) => _view.Apply(evt);

    protected override object? FlushLocked(DateTimeOffset now) => _view.Flush(now);

    protected override async Task<object> ReadBaseAsync() => await Context.Reader.ReadRegionAsync(region.Code, members);

    protected override void RebaseLocked(object fresh) => _view.Rebase((RegionBase)fresh);
}
