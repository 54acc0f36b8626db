using Orleans.Runtime;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>The feed of one warehouse's map: group <c>warehouse:{code}</c>, client method <c>warehouseDelta</c>.</summary>
internal sealed class WarehouseFeed(WarehouseDefinition warehouse, LiveFeedContext context)
    : LiveFeed(GroupOf(warehouse.Code), "warehouseDelta", StreamId.Create(LiveStreams.WarehouseNamespace, warehouse.Code), context)
{
    private readonly WarehouseView _view = new(warehouse, Guid.NewGuid().ToString("N")[..12], context.Options.AgvPositionInterval);

    public static string GroupOf(string code) => $"warehouse:{code}";

    protected override bool HasPendingLocked => _view.HasPending;

    protected override bool CanWaitLocked => _view.OnlyGateReadsPending;

    public override object Snapshot()
    {
        lock (ViewLock)
        {
            return _view.Snapshot(Context.Time.GetUtcNow());
        }
    }

    protected override void ApplyLocked(LiveEvent evt) => _view.Apply(evt);

    protected override object? FlushLocked(DateTimeOffset now) => _view.Flush(now);

    protected override async Task<object> ReadBaseAsync() => await Context.Reader.ReadWarehouseAsync(warehouse);

    protected override void RebaseLocked(object fresh) => _view.Rebase((WarehouseBase)fresh);
}
