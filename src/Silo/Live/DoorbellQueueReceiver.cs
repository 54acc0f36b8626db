using Orleans.Streams;

namespace Tracking.Silo.Live;

/// <summary>
/// A stream queue's receiver that, finding the queue empty, waits up to <c>idleWait</c> for this silo's next enqueue
/// and looks once more before telling the pulling agent "empty". An event published on this silo reaches the agent at
/// once instead of at its next poll; an idle queue is read a few times a second instead of a thousand.
/// </summary>
/// <remarks>
/// The pulling agent reads again at once after every read that found something. When that read emptied the queue and
/// the doorbell has not rung since it began, nothing has been enqueued on this silo since: the receiver waits for the
/// ring straight away instead of asking the queue grain first. At a steady trickle of events (a live map's normal
/// load) that saves one queue-grain call per event, half of the reads (docs/benchmarks.md, 2026-12-07). Events from
/// other silos are found as before: by the read that ends each wait, within <c>idleWait</c>.
/// </remarks>
internal sealed class DoorbellQueueReceiver : IQueueAdapterReceiver
{
    private readonly IQueueAdapterReceiver _inner;
    private readonly QueueDoorbell _doorbell;
    private readonly TimeSpan _idleWait;
    private readonly CancellationTokenSource _stopping = new();

    // Ends a wait that no enqueue ended, by ringing the doorbell: one timer for the receiver's life, not one per wait.
    private readonly ITimer? _timeout;

    // The ring taken just before the last read that emptied the queue; while it has not rung, the queue holds nothing
    // enqueued on this silo.
    private Task? _emptiedBefore;

    public DoorbellQueueReceiver(IQueueAdapterReceiver inner, QueueDoorbell doorbell, TimeSpan idleWait, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _inner = inner;
        _doorbell = doorbell;
        _idleWait = idleWait;
        if (idleWait > TimeSpan.Zero)
        {
            _timeout = time.CreateTimer(static bell => ((QueueDoorbell)bell!).Ring(), doorbell, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public Task Initialize(TimeSpan timeout) => _inner.Initialize(timeout);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_timeout is null)
        {
            return await _inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        }

        // Taken before looking: an event enqueued between the look and the wait still wakes the wait.
        var ring = _doorbell.NextRingAsync();
        if (_emptiedBefore is not { IsCompleted: false } || _stopping.IsCancellationRequested)
        {
            var found = await _inner.GetQueueMessagesAsync(maxCount, cancellationToken);
            if (found.Count > 0 || _stopping.IsCancellationRequested)
            {
                _emptiedBefore = maxCount < 0 || found.Count < maxCount ? ring : null;
                return found;
            }

            if (ring.IsCompleted)
            {
                // Rung while we looked (common under load): look again without setting up a wait.
                return await ReadAsync(maxCount, _doorbell.NextRingAsync(), cancellationToken);
            }
        }

        _timeout.Change(_idleWait, Timeout.InfiniteTimeSpan);
        using (cancellationToken.CanBeCanceled ? cancellationToken.UnsafeRegister(static bell => ((QueueDoorbell)bell!).Ring(), _doorbell) : default)
        {
            await ring;
        }

        _timeout.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_stopping.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            _emptiedBefore = null;
            return [];
        }

        // Rung by an enqueue here, or the idle wait ran out (an event from another silo is found only by looking).
        return await ReadAsync(maxCount, _doorbell.NextRingAsync(), cancellationToken);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => _inner.MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => _inner.MessagesDeliveredAsync(messages, cancellationToken);

    public async Task Shutdown(TimeSpan timeout)
    {
        // A read waiting for the doorbell must not hold the agent's shutdown for the rest of its wait.
        await _stopping.CancelAsync();
        _doorbell.Ring();
        if (_timeout is not null)
        {
            await _timeout.DisposeAsync();
        }

        await _inner.Shutdown(timeout);
    }

    /// <summary>Reads, remembering whether the read emptied the queue with no ring since <paramref name="ring"/> was taken.</summary>
    private async Task<IList<IBatchContainer>> ReadAsync(int maxCount, Task ring, CancellationToken cancellationToken)
    {
        var found = await _inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        _emptiedBefore = maxCount < 0 || found.Count < maxCount ? ring : null;
        return found;
    }
}
