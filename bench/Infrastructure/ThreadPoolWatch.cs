using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Samples this process's thread pool every 50 ms on a thread of its own: how many threads it had and how much work
/// waited. A run that stalls with work queued and threads being added one by one is a starved pool, not a slow grain.
/// Optionally other gauges too, such as the device bridge's messages in hand: how much work was taken in at once.
/// </summary>
public sealed class ThreadPoolWatch : IDisposable
{
    private readonly Thread _thread;
    private readonly int _threadsAtStart = ThreadPool.ThreadCount;
    private readonly (string Label, Func<int> Read)[] _gauges;
    private readonly int[] _gaugeMax;
    private volatile bool _stopped;
    private long _maxQueued;
    private int _maxThreads;
    private int _samplesBacklogged;
    private int _samples;

    private ThreadPoolWatch((string Label, Func<int> Read)[] gauges)
    {
        _gauges = gauges;
        _gaugeMax = new int[gauges.Length];
        _thread = new Thread(Sample) { IsBackground = true, Name = "bench thread-pool watch" };
        _thread.Start();
    }

    /// <param name="gauges">More to sample, each reported as its largest value: "at most {max} {label}".</param>
    public static ThreadPoolWatch Start(params (string Label, Func<int> Read)[] gauges) => new(gauges);

    /// <summary>
    /// E.g. "thread pool 4→6 threads (at most 7), at most 1,234 work items queued, 3 of 100 samples over 1,000; at most 950
    /// device messages in process".
    /// </summary>
    public string Stop()
    {
        _stopped = true;
        _thread.Join();
        var pool = string.Create(CultureInfo.InvariantCulture,
            $"thread pool {_threadsAtStart}→{ThreadPool.ThreadCount} threads (at most {_maxThreads}), at most {_maxQueued:N0} work items queued, {_samplesBacklogged} of {_samples} samples over 1,000");
        return string.Concat(pool, string.Concat(_gauges.Select((g, i) => string.Create(CultureInfo.InvariantCulture, $"; at most {_gaugeMax[i]:N0} {g.Label}"))));
    }

    public void Dispose()
    {
        _stopped = true;
    }

    private void Sample()
    {
        while (!_stopped)
        {
            var queued = ThreadPool.PendingWorkItemCount;
            _maxQueued = Math.Max(_maxQueued, queued);
            _maxThreads = Math.Max(_maxThreads, ThreadPool.ThreadCount);
            _samplesBacklogged += queued > 1_000 ? 1 : 0;
            _samples++;
            for (var i = 0; i < _gauges.Length; i++)
            {
                _gaugeMax[i] = Math.Max(_gaugeMax[i], _gauges[i].Read());
            }

            Thread.Sleep(50);
        }
    }
}
