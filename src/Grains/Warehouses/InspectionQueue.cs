using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Warehouses;

/// <summary>The inspection queue's order and SLA, as pure rules: highest priority first, then longest waiting.</summary>
public static class InspectionQueue
{
    public static IReadOnlyList<InspectionQueueEntry> Order(IEnumerable<(string Location, LocationItem Item)> waiting, TimeSpan sla, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        return waiting
            .Where(w => w.Item.ReceivedAt is not null)
            .Select(w =>
            {
                var received = w.Item.ReceivedAt!.Value;
                var due = received + sla;
                return new InspectionQueueEntry(w.Item.ItemId, w.Item.Sku, w.Item.Status, w.Location, w.Item.Priority, received, due, now > due, w.Item.Unexpected);
            })
            .OrderByDescending(e => e.Priority)
            .ThenBy(e => e.ReceivedAt)
            .ThenBy(e => e.ItemId, StringComparer.Ordinal)
            .ToList();
    }
}
