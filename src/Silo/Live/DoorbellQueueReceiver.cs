using Orleans.Streams;

namespace Tracking.Silo.Live;

/// <summary>
/// A stream queue's receiver that, finding the queue empty, waits up to <c>idleWait</c> for this silo's next enqueue
/// and looks once more before telling the pulling agent "empty". An event published on this silo reaches the agent at
/// once instead of at its next poll; an idle queue is read a few times a second instead of a thousand.
/// </summary>
internal sealed class DoorbellQueueReceiver(IQueueAdapterReceiver inner, QueueDoorbell doorbell, TimeSpan idleWait, TimeProvider time) : IQueueAdapterReceiver
{
    private readonly CancellationTokenSource _stopping = new();

    public Task Initialize(TimeSpan timeout) => inner.Initialize(timeout);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var ring = doorbell.NextRingAsync();
        var found = await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        if (found.Count > 0 || idleWait <= TimeSpan.Zero || _stopping.IsCancellationRequested)
        {
            return found;
        }

        if (ring.IsCompleted)
        {
            // Rung while we looked (common under load): look again without setting up a wait.
            return await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var timeout = Task.Delay(idleWait, time, wait.Token);
        var first = await Task.WhenAny(ring, timeout);
        await wait.CancelAsync();
        if (first != ring)
        {
            return found;
        }

        return await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => inner.MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => inner.MessagesDeliveredAsync(messages, cancellationToken);

    public async Task Shutdown(TimeSpan timeout)
    {
        // A read waiting for the doorbell must not hold the agent's shutdown for the rest of its wait.
        await _stopping.CancelAsync();
        await inner.Shutdown(timeout);
    }
}
