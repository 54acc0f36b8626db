using System.Diagnostics.Metrics;
using HdrHistogram;

namespace Tracking.Bench.Latency;

/// <summary>
/// Records the silo's <c>tracking.live.event_lag</c> (a live event's timestamp → this silo's feed receiving it) while
/// a latency level runs: the stream's share of the commit → delta stage.
/// </summary>
public sealed class EventLagListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly LongConcurrentHistogram _lag = new(1, 60_000_000, 3);

    public EventLagListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Tracking" && instrument.Name == "tracking.live.event_lag")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) => _lag.RecordValue(Math.Max(1, (long)(ms * 1000))));
        _listener.Start();
    }

    /// <summary>Microseconds.</summary>
    public HistogramBase Lag => _lag;

    public void Dispose() => _listener.Dispose();
}
