namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// At most a set number of received device messages in the bridge's hands and not yet settled (processed or given up).
/// The MQTT 5 Receive Maximum asks the broker for the same, but Mosquitto 2.0.11 (Debian 12) keeps it only until the first
/// acknowledgements come back and then sends everything it had queued: the bridge was seen holding 75,000 unsettled
/// messages with a window of 1,000, and items took seconds to get their reads. So the bridge keeps the window itself: the
/// receive handler waits for room, which holds back MQTTnet's publish processing (its receive loop and keep-alive go
/// on). One window per broker connection; closing it frees whoever waits (their messages belong to a connection that is
/// gone, and the broker resends them).
/// </summary>
public sealed class ProcessingWindow(int size)
{
    private readonly SemaphoreSlim _room = new(size);
    private readonly CancellationTokenSource _closed = new();

    public int Size { get; } = size;

    /// <summary>Messages taken in and not yet settled.</summary>
    public int InUse => Size - _room.CurrentCount;

    /// <summary>Waits for room. False when the window closed or <paramref name="cancellationToken"/> fired meanwhile.</summary>
    public async ValueTask<bool> EnterAsync(CancellationToken cancellationToken)
    {
        if (await _room.WaitAsync(0))
        {
            return true;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        try
        {
            await _room.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The receipt of a message that entered: its first settlement gives the room back.</summary>
    public IDeliveryReceipt Track(IDeliveryReceipt receipt) => new WindowedReceipt(receipt, this);

    /// <summary>
    /// Frees every waiter (false from <see cref="EnterAsync"/>). Not disposed: receipts of the old connection still
    /// settle afterwards and give their room back to it, harmlessly.
    /// </summary>
    public void Close() => _closed.Cancel();

    private void Leave() => _room.Release();

    private sealed class WindowedReceipt(IDeliveryReceipt inner, ProcessingWindow window) : IDeliveryReceipt
    {
        private int _settled;

        public void Processed()
        {
            inner.Processed();
            Settled();
        }

        public void Abandoned()
        {
            inner.Abandoned();
            Settled();
        }

        private void Settled()
        {
            if (Interlocked.Exchange(ref _settled, 1) == 0)
            {
                window.Leave();
            }
        }
    }
}
