using System.Threading.Channels;

namespace Tracking.Grains.Common;

/// <summary>
/// One queue, one consumer: whatever requests have gathered while the previous batch was in flight (up to a limit) go
/// to the batch handler together. Under load each round trip carries many requests; when idle a lone request goes at
/// once, with no timer delay. The handler completes each request itself.
/// </summary>
/// <typeparam name="T">A request that carries its own completion.</typeparam>
public sealed class GroupCommitQueue<T> : IAsyncDisposable
{
    private readonly Channel<T> _channel;
    private readonly Func<List<T>, Task> _commit;
    private readonly int _maxBatch;
    private readonly Task _loop;

    public GroupCommitQueue(int capacity, int maxBatch, Func<List<T>, Task> commit)
    {
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _maxBatch = maxBatch;
        _commit = commit;
        _loop = Task.Run(RunAsync);
    }

    public ValueTask EnqueueAsync(T request, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(request, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        // Finish what was taken in: those callers are waiting for durability.
        _channel.Writer.TryComplete();
#pragma warning disable VSTHRD003 // The loop was started by this object and runs on the thread pool.
        await _loop;
#pragma warning restore VSTHRD003
    }

    private async Task RunAsync()
    {
        var batch = new List<T>(_maxBatch);
        while (await _channel.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _channel.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            // The handler settles every request, failures included; it must not throw.
            await _commit(batch);
            batch.Clear();
        }
    }
}
