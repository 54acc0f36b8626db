using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// What the live streams' queue caches hold right now (Orleans' own counters, summed over the queues): events read from
/// the queues and kept for late or rewinding subscribers (docs/decisions/0016).
/// </summary>
public sealed class StreamCacheMeter : IDisposable
{
    // Orleans' length and size gauges are refreshed every few minutes; these counters move with every add and purge.
    private const string AddedName = "orleans-streams-queue-cache-messages-added";
    private const string PurgedName = "orleans-streams-queue-cache-messages-purged";
    private const string AllocatedName = "orleans-streams-queue-cache-memory-allocated";
    private const string ReleasedName = "orleans-streams-queue-cache-memory-released";
    private readonly Dictionary<string, long> _sums = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    /// <param name="meterScope">
    /// Only the meters this factory made (a host's <see cref="IMeterFactory"/>), for a process with several silos; null
    /// counts every silo in this process.
    /// </param>
    public StreamCacheMeter(IMeterFactory? meterScope = null)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((meterScope is null || ReferenceEquals(instrument.Meter.Scope, meterScope)) && instrument.Name is AddedName or PurgedName or AllocatedName or ReleasedName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value);
        _listener.Start();
    }

    /// <summary>Events taken into the caches and purged from them since the silo started, and the blocks they hold.</summary>
    public StreamCacheReading Read()
    {
        lock (_sums)
        {
            _sums.Clear();
            _listener.RecordObservableInstruments();
            return new StreamCacheReading(
                _sums.GetValueOrDefault(AddedName),
                _sums.GetValueOrDefault(PurgedName),
                _sums.GetValueOrDefault(AllocatedName) - _sums.GetValueOrDefault(ReleasedName));
        }
    }

    /// <summary>E.g. "live-event cache 83,613 events in 16 MiB of blocks".</summary>
    public string Describe()
    {
        var reading = Read();
        return string.Create(CultureInfo.InvariantCulture, $"live-event cache {reading.Cached:N0} events in {reading.BlockBytes / 1048576.0:0} MiB of blocks");
    }

    public void Dispose() => _listener.Dispose();
}
