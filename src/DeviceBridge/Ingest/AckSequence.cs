using System.Diagnostics;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Releases acknowledgements in the order the messages were received, although lanes finish them in any order: a
/// message is released once it and every message received before it are settled. MQTT asks a client to send PUBACKs
/// in receive order; a crash then never acknowledges a message that was not yet in a grain. Abandoned messages are
/// skipped (never acknowledged: the broker redelivers them on the next session). One sequence lives as long as one
/// broker connection: after <see cref="Close"/> nothing more is released, because packet identifiers of the old
/// connection mean nothing on a new one (the broker redelivers those messages itself).
/// It also keeps the connection's window: at most <c>window</c> messages taken in with <see cref="RegisterAsync"/> and
/// not yet settled. The MQTT 5 Receive Maximum asks the broker for the same, but Mosquitto 2.0.11 (Debian 12) keeps it
/// only until the first acknowledgements come back and then sends all it has queued: the bridge was seen holding 75,000
/// unsettled messages with a window of 1,000 (docs/decisions/0008). <see cref="Close"/> frees whoever waits for room.
/// </summary>
/// <typeparam name="T">What to acknowledge (the received message's event args in the bridge).</typeparam>
public sealed class AckSequence<T>(Action<T> release, int window = int.MaxValue)
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _room = new(window);
    private readonly CancellationTokenSource _closing = new();
    private readonly Queue<Receipt> _pending = new();
    private bool _closed;
    private long _firstAbandonedAt;
    private int _abandoned;

    /// <summary>Messages abandoned on this connection: they wait for the broker to resend them on the next one.</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>How long the first message abandoned on this connection has waited (zero when none was).</summary>
    public TimeSpan OldestAbandonedAge(long now) =>
        Interlocked.Read(ref _firstAbandonedAt) is var first and > 0 ? Stopwatch.GetElapsedTime(first, now) : TimeSpan.Zero;

    /// <summary>Messages received but not yet released or skipped.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Messages taken in with <see cref="RegisterAsync"/> and not yet processed or given up.</summary>
    public int InProcess => window - _room.CurrentCount;

    /// <summary>
    /// Waits for room in the window, then registers the message. Null when the sequence was closed or
    /// <paramref name="cancellationToken"/> fired while waiting: the message is not taken in (nor acknowledged).
    /// </summary>
    public async ValueTask<IDeliveryReceipt?> RegisterAsync(T message, CancellationToken cancellationToken)
    {
        if (!await _room.WaitAsync(0))
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
            try
            {
                await _room.WaitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return Register(message, holdsRoom: true);
    }

    /// <summary>Registers the message outside the window.</summary>
    public IDeliveryReceipt Register(T message) => Register(message, holdsRoom: false);

    private Receipt Register(T message, bool holdsRoom)
    {
        var receipt = new Receipt(this, message, holdsRoom);
        lock (_gate)
        {
            if (!_closed)
            {
                _pending.Enqueue(receipt);
            }
        }

        return receipt;
    }

    /// <summary>
    /// Nothing more is released, and whoever waits for room gets none. Receipts of this connection that settle later
    /// still give their room back, harmlessly.
    /// </summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _pending.Clear();
        }

        _closing.Cancel();
    }

    private void NoteAbandoned()
    {
        Interlocked.Increment(ref _abandoned);
        Interlocked.CompareExchange(ref _firstAbandonedAt, Stopwatch.GetTimestamp(), 0);
    }

    private void Settle()
    {
        // Release under the lock: the callback only queues the acknowledgement, and the lock keeps the order.
        lock (_gate)
        {
            while (!_closed && _pending.TryPeek(out var head) && head.State != Receipt.Open)
            {
                _pending.Dequeue();
                if (head.State == Receipt.Done)
                {
                    release(head.Message);
                }
            }
        }
    }

    private sealed class Receipt(AckSequence<T> owner, T message, bool holdsRoom) : IDeliveryReceipt
    {
        public const int Open = 0;
        public const int Done = 1;
        public const int Skipped = 2;

        private int _state;

        public T Message { get; } = message;

        public int State => Volatile.Read(ref _state);

        public void Processed() => SettleAs(Done);

        public void Abandoned() => SettleAs(Skipped);

        private void SettleAs(int state)
        {
            if (Interlocked.CompareExchange(ref _state, state, Open) == Open)
            {
                if (state == Skipped)
                {
                    owner.NoteAbandoned();
                }

                if (holdsRoom)
                {
                    owner._room.Release();
                }

                owner.Settle();
            }
        }
    }
}
