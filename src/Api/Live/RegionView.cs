using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>
/// The live projection of one region on one silo: member warehouses' counts (healed from the grains periodically) and
/// the transfers seen on the region stream. Plain C#, not thread-safe; deltas carry absolute values like the warehouse view.
/// </summary>
public sealed class RegionView
{
    /// <summary>Transfer states after which the region page stops drawing the transfer.</summary>
    private static readonly HashSet<string> Ended = new(StringComparer.OrdinalIgnoreCase) { "Closed", "Cancelled", "Received" };

    private readonly Dictionary<string, WarehouseSummary> _warehouses = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TransferView> _transfers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirtyWarehouses = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TransferView> _dirtyTransfers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ended = new(StringComparer.Ordinal);

    public RegionView(RegionDefinition region, IEnumerable<WarehouseDefinition> members, string epoch)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(members);
        Region = region.Code;
        Epoch = epoch;
        foreach (var member in members)
        {
            _warehouses[member.Code] = new WarehouseSummary(member.Code, new Dictionary<ItemStatus, int>(), 0);
        }
    }

    public string Region { get; }

    public string Epoch { get; }

    public long Seq { get; private set; }

    public bool HasPending => _dirtyWarehouses.Count > 0 || _dirtyTransfers.Count > 0 || _ended.Count > 0;

    public void Apply(LiveEvent evt)
    {
        if (evt is not TransferChanged transfer)
        {
            return;
        }

        if (_transfers.TryGetValue(transfer.TransferId, out var known) && known.At > transfer.At)
        {
            return; // an older state overtaken by a newer one
        }

        var view = new TransferView(transfer.TransferId, transfer.From, transfer.To, transfer.Status, transfer.ItemCount, transfer.Eta, transfer.At);
        if (Ended.Contains(transfer.Status))
        {
            if (_transfers.Remove(transfer.TransferId))
            {
                _dirtyTransfers.Remove(transfer.TransferId);
                _ended.Add(transfer.TransferId);
            }

            return;
        }

        _transfers[transfer.TransferId] = view;
        _dirtyTransfers[transfer.TransferId] = view;
        _ended.Remove(transfer.TransferId);
    }

    public void Rebase(RegionBase fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        foreach (var summary in fresh.Warehouses ?? [])
        {
            if (_warehouses.TryGetValue(summary.Code, out var current) && !Same(current, summary))
            {
                _warehouses[summary.Code] = summary;
                _dirtyWarehouses.Add(summary.Code);
            }
        }

        // The hub's index: transfers that began before this feed did (a page opened later would not see them, and every
        // snapshot is the page's whole list), and transfers whose live "ended" event was missed. A newer live event wins
        // over an older entry of the index; one the index does not know yet (it hears a moment later) stays.
        foreach (var transfer in fresh.Transfers ?? [])
        {
            var status = transfer.Status.ToString();
            var known = _transfers.GetValueOrDefault(transfer.TransferId);
            var news = known is null
                ? !Ended.Contains(status)
                : transfer.UpdatedAt > known.At && (known.Status != status || known.ItemCount != transfer.ItemCount || known.Eta != transfer.Eta);
            if (news)
            {
                Apply(new TransferChanged(transfer.From, transfer.UpdatedAt, transfer.TransferId, transfer.From, transfer.To, status, transfer.ItemCount, transfer.Eta));
            }
        }
    }

    public RegionDelta? Flush(DateTimeOffset now)
    {
        if (!HasPending)
        {
            return null;
        }

        var delta = new RegionDelta(
            Region,
            Epoch,
            ++Seq,
            now,
            _dirtyWarehouses.Select(code => _warehouses[code]).ToList(),
            [.. _dirtyTransfers.Values],
            [.. _ended]);
        _dirtyWarehouses.Clear();
        _dirtyTransfers.Clear();
        _ended.Clear();
        return delta;
    }

    public RegionSnapshot Snapshot(DateTimeOffset now) =>
        new(Region, Epoch, Seq, now, [.. _warehouses.Values], [.. _transfers.Values.OrderBy(t => t.Eta ?? t.At)]);

    private static bool Same(WarehouseSummary a, WarehouseSummary b) =>
        a.OpenAlerts == b.OpenAlerts && a.ByStatus.Count == b.ByStatus.Count && a.ByStatus.All(kv => b.ByStatus.GetValueOrDefault(kv.Key) == kv.Value);
}
