using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using Tracking.Silo.Hosting;
using Tracking.Silo.Live;

namespace Tracking.IntegrationTests.Live;

public sealed class DoorbellQueueReceiverTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_ring_wakes_a_waiter_and_a_ring_nobody_waited_for_is_not_remembered()
    {
        var bell = new QueueDoorbell();
        bell.Ring();
        var next = bell.NextRingAsync();
        Assert.False(next.IsCompleted);

        bell.Ring();
        await next.WaitAsync(Patience);
        Assert.False(bell.NextRingAsync().IsCompleted);
    }

    [Fact]
    public async Task An_empty_queue_is_read_again_as_soon_as_this_silo_enqueues()
    {
        var queue = new ScriptedReceiver();
        var bell = new QueueDoorbell();
        var receiver = new DoorbellQueueReceiver(queue, bell, TimeSpan.FromSeconds(30), PreciseTimeProvider.Shared);

        var read = receiver.GetQueueMessagesAsync(10, CancellationToken.None);
        await queue.Reads.WaitForAsync(1);
        Assert.False(read.IsCompleted);

        queue.Add(new FakeBatch());
        bell.Ring();
        var messages = await read.WaitAsync(Patience);

        Assert.Single(messages);
        Assert.Equal(2, queue.Reads.Count);
    }

    [Fact]
    public async Task An_event_enqueued_between_the_look_and_the_wait_is_not_missed()
    {
        var bell = new QueueDoorbell();
        var queue = new ScriptedReceiver { OnRead = (q, reads) => { if (reads == 1) { q.Add(new FakeBatch()); bell.Ring(); } } };
        var receiver = new DoorbellQueueReceiver(queue, bell, TimeSpan.FromSeconds(30), PreciseTimeProvider.Shared);

        // The first read sees an empty queue, but the ring came after the look: the receiver must not sleep through it.
        var messages = await ReadAsync(receiver);

        Assert.Single(messages);
    }

    [Fact]
    public async Task A_quiet_queue_answers_empty_after_the_idle_wait_and_shutdown_releases_a_waiting_read()
    {
        var queue = new ScriptedReceiver();
        var quick = new DoorbellQueueReceiver(queue, new QueueDoorbell(), TimeSpan.FromMilliseconds(5), PreciseTimeProvider.Shared);
        Assert.Empty(await ReadAsync(quick));

        var patient = new DoorbellQueueReceiver(queue, new QueueDoorbell(), TimeSpan.FromMinutes(5), PreciseTimeProvider.Shared);
        var read = patient.GetQueueMessagesAsync(10, CancellationToken.None);
        await patient.Shutdown(TimeSpan.FromSeconds(1));
        Assert.Empty(await read.WaitAsync(Patience));
        Assert.True(queue.ShutDown);
    }

    [Fact]
    public async Task An_event_enqueued_on_another_silo_without_a_ring_is_found_once_the_idle_wait_runs_out()
    {
        var queue = new ScriptedReceiver();
        var receiver = new DoorbellQueueReceiver(queue, new QueueDoorbell(), TimeSpan.FromMilliseconds(20), PreciseTimeProvider.Shared);

        var read = ReadAsync(receiver);
        await queue.Reads.WaitForAsync(1);
        queue.Add(new FakeBatch());

        // This read or the pulling agent's next one (it asks again after its poll interval) finds it.
        var first = await read;
        Assert.Single(first.Count > 0 ? first : await ReadAsync(receiver));
    }

    [Fact]
    public async Task A_cancelled_read_stops_waiting_and_answers_empty()
    {
        var queue = new ScriptedReceiver();
        var receiver = new DoorbellQueueReceiver(queue, new QueueDoorbell(), TimeSpan.FromMinutes(5), PreciseTimeProvider.Shared);
        using var cancel = new CancellationTokenSource();

        var read = receiver.GetQueueMessagesAsync(10, cancel.Token);
        await queue.Reads.WaitForAsync(1);
        await cancel.CancelAsync();

        Assert.Empty(await read.WaitAsync(Patience));
    }

    [Fact]
    public async Task With_no_idle_wait_it_is_plain_polling()
    {
        var queue = new ScriptedReceiver();
        var receiver = new DoorbellQueueReceiver(queue, new QueueDoorbell(), TimeSpan.Zero, PreciseTimeProvider.Shared);

        Assert.Empty(await ReadAsync(receiver));
        Assert.Equal(1, queue.Reads.Count);
    }

    private static async Task<IList<IBatchContainer>> ReadAsync(DoorbellQueueReceiver receiver, int maxCount = 10) =>
        await receiver.GetQueueMessagesAsync(maxCount, CancellationToken.None).WaitAsync(Patience);

    /// <summary>A queue whose contents the test controls (the Orleans queue grain adds nothing to what is tested here).</summary>
    private sealed class ScriptedReceiver : IQueueAdapterReceiver
    {
        private readonly Queue<IBatchContainer> _queued = new();

        public ReadCounter Reads { get; } = new();

        public Action<ScriptedReceiver, int>? OnRead { get; init; }

        public bool ShutDown { get; private set; }

        public void Add(IBatchContainer batch)
        {
            lock (_queued)
            {
                _queued.Enqueue(batch);
            }
        }

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
        {
            List<IBatchContainer> taken = [];
            lock (_queued)
            {
                while (taken.Count < maxCount && _queued.TryDequeue(out var batch))
                {
                    taken.Add(batch);
                }
            }

            var reads = Reads.Increment();
            OnRead?.Invoke(this, reads);
            return Task.FromResult<IList<IBatchContainer>>(taken);
        }

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout)
        {
            ShutDown = true;
            return Task.CompletedTask;
        }
    }

    private sealed class ReadCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public int Increment() => Interlocked.Increment(ref _count);

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(1);
            }

            Assert.True(Count >= count, $"{Count} reads, expected {count}");
        }
    }

    private sealed class FakeBatch : IBatchContainer
    {
        public StreamId StreamId { get; } = StreamId.Create("test", "q");

        public StreamSequenceToken SequenceToken { get; } = new EventSequenceTokenV2(1);

        public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

        public bool ImportRequestContext() => false;
    }
}
