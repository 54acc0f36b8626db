using System.Diagnostics.Metrics;

namespace Tracking.Grains.Items;

/// <summary>Item lifecycle metrics on the "Tracking" meter.</summary>
public sealed class ItemMetrics
{
    public const string MeterName = "Tracking";

    private readonly Counter<long> _events;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _unexpected;
    private readonly Counter<long> _staleObservations;

    public ItemMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _events = meter.CreateCounter<long>("tracking.items.events", description: "Item events stored and journaled");
        _rejected = meter.CreateCounter<long>("tracking.items.rejected", description: "Item commands the lifecycle rejected");
        _unexpected = meter.CreateCounter<long>("tracking.items.unexpected", description: "Unknown items registered for review");
        _staleObservations = meter.CreateCounter<long>("tracking.items.stale_observations", description: "Gate reads older than the item's newest applied read: ignored");
    }

    public void Event(string type) => _events.Add(1, new KeyValuePair<string, object?>("type", type));

    public void Rejected(string action) => _rejected.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Unexpected() => _unexpected.Add(1);

    public void StaleObservation(string device) => _staleObservations.Add(1, new KeyValuePair<string, object?>("device", device));
}
