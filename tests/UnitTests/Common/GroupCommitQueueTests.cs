using Tracking.Grains.Common;

// The handlers wait on completion sources the tests release: that is the point of these tests.
#pragma warning disable VSTHRD003

namespace Tracking.UnitTests.Common;

public sealed class GroupCommitQueueTests
{
    [Fact]
    public async Task A_lone_request_is_handled_at_once()
    {
        var handled = new TaskCompletionSource<List<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var queue = new GroupCommitQueue<int>(100, 10, batch =>
        {
            handled.TrySetResult([.. batch]);
            return Task.CompletedTask;
        });

        await queue.EnqueueAsync(1, CancellationToken.None);

        Assert.Equal([1], await handled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Requests_that_arrive_while_a_batch_is_handled_go_together_in_order_up_to_the_limit()
    {
        var batches = new List<List<int>>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var queue = new GroupCommitQueue<int>(100, 4, async batch =>
        {
            lock (batches)
            {
                batches.Add([.. batch]);
            }

            first.TrySetResult();
            await release.Task;
        }))
        {
            await queue.EnqueueAsync(0, CancellationToken.None);
            await first.Task.WaitAsync(TimeSpan.FromSeconds(10));
            foreach (var i in Enumerable.Range(1, 6))
            {
                await queue.EnqueueAsync(i, CancellationToken.None);
            }

            release.SetResult();
        }

        Assert.Equal([[0], [1, 2, 3, 4], [5, 6]], batches);
    }

    [Fact]
    public async Task A_full_queue_makes_the_next_request_wait_instead_of_losing_it()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = 0;
        var queue = new GroupCommitQueue<int>(2, 1, async batch =>
        {
            await release.Task;
            Interlocked.Add(ref handled, batch.Count);
        });

        // One taken by the handler, two in the queue: the fourth waits for room.
        await queue.EnqueueAsync(1, CancellationToken.None);
        await Task.Delay(50);
        await queue.EnqueueAsync(2, CancellationToken.None);
        await queue.EnqueueAsync(3, CancellationToken.None);
        var fourth = queue.EnqueueAsync(4, CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(fourth.IsCompleted);

        release.SetResult();
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.DisposeAsync();
        Assert.Equal(4, handled);
    }
}
