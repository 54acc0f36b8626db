using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Samples this process's thread pool every 50 ms on a thread of its own: how many threads it had and how much work
/// waited. A run that stalls with work queued and threads being added one by one is a starved pool, not a slow grain.
/// </summary>
public sealed class ThreadPoolWatch : IDisposable
{
    private readonly Thread _thread;
    private readonly int _threadsAtStart = ThreadPool.ThreadCount;
    private volatile bool _stopped;
    private long _maxQueued;
    private int _maxThreads;
    private int _samplesBacklogged;
    private int _samples;

    private ThreadPoolWatch()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "bench thread-pool watch" };
        _thread.Start();
    }

    public static ThreadPoolWatch Start() => new();

    /// <summary>E.g. "thread pool 4→6 threads (at most 7), at most 1,234 work items queued, 3 of 100 samples over 1,000".</summary>
    public string Stop()
    {
        _stopped = true;
        _thread.Join();
        return string.Create(CultureInfo.InvariantCulture,
            $"thread pool {_threadsAtStart}→{ThreadPool.ThreadCount} threads (at most {_maxThreads}), at most {_maxQueued:N0} work items queued, {_samplesBacklogged} of {_samples} samples over 1,000");
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
            Thread.Sleep(50);
        }
    }
}
