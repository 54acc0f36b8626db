namespace Tracking.Silo.Live;

/// <summary>
/// Rung when this silo puts an event on a stream queue; a pulling agent that found the queue empty waits for the next
/// ring instead of polling. Ringing costs nothing when nobody waits.
/// </summary>
internal sealed class QueueDoorbell
{
    private TaskCompletionSource? _waiting;

    /// <summary>
    /// The next ring. Take it before looking at the queue: an event enqueued between the look and the wait still wakes
    /// the waiter.
    /// </summary>
    public Task NextRingAsync()
    {
        var waiting = Volatile.Read(ref _waiting);
        if (waiting is not null)
        {
#pragma warning disable VSTHRD003 // as below
            return waiting.Task;
#pragma warning restore VSTHRD003
        }

        var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
#pragma warning disable VSTHRD003 // a signal completed by Ring, not work started elsewhere
        return (Interlocked.CompareExchange(ref _waiting, fresh, null) ?? fresh).Task;
#pragma warning restore VSTHRD003
    }

    public void Ring() => Interlocked.Exchange(ref _waiting, null)?.TrySetResult();
}
