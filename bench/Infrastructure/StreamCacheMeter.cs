using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// What the live streams' queue caches hold right now (Orleans' own gauges, summed over the queues of the silo in this
/// process): events read from the queues and kept for late or rewinding subscribers (docs/decisions/0016).
/// </summary>
public sealed class StreamCacheMeter : IDisposable
{
    // Orleans' length and size gauges are refreshed every few minutes; these counters move with every add and purge.
    private const string AddedName = "orleans-streams-queue-cache-messages-added";
    private const string PurgedName = "orleans-streams-queue-cache-messages-purged";
    private const string AllocatedName = "orleans-streams-queue-cache-memory-allocated";
    private const string ReleasedName = "orleans-streams-queue-cache-memory-released";
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _sums = new(StringComparer.Ordinal);

    public StreamCacheMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is AddedName or PurgedName or AllocatedName or ReleasedName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value);
        _listener.Start();
    }

    /// <summary>E.g. "live-event cache 183,000 events in 64 MiB of blocks".</summary>
    public string Describe()
    {
        lock (_sums)
        {
            _sums.Clear();
            _listener.RecordObservableInstruments();
            return string.Create(CultureInfo.InvariantCulture,
                $"live-event cache {Net(AddedName, PurgedName):N0} events in {Net(AllocatedName, ReleasedName) / 1048576.0:0} MiB of blocks");
        }
    }

    public void Dispose() => _listener.Dispose();

    private long Net(string more, string less) => _sums.GetValueOrDefault(more) - _sums.GetValueOrDefault(less);
}
