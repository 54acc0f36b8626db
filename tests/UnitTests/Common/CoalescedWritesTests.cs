using Tracking.Grains.Common;

// The tests own the TaskCompletionSources that stand for the writes.
#pragma warning disable VSTHRD003

namespace Tracking.UnitTests.Common;

public sealed class CoalescedWritesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Changes_made_while_a_write_runs_share_the_one_write_after_it()
    {
        var writes = new ScriptedWrites();
        var coalesced = new CoalescedWrites(writes.WriteAsync);

        var first = coalesced.RequestAsync();
        await writes.Started(1).WaitAsync(Patience);
        var during = Enumerable.Range(0, 50).Select(_ => coalesced.RequestAsync()).ToArray();

        writes.Finish(1);
        await first.WaitAsync(Patience);
        Assert.All(during, t => Assert.False(t.IsCompleted));

        await writes.Started(2).WaitAsync(Patience);
        writes.Finish(2);
        await Task.WhenAll(during).WaitAsync(Patience);
        await coalesced.IdleAsync().WaitAsync(Patience);
        Assert.Equal(2, coalesced.Writes);
    }

    [Fact]
    public async Task A_change_is_reported_stored_only_by_a_write_that_started_after_it()
    {
        var writes = new ScriptedWrites();
        var coalesced = new CoalescedWrites(writes.WriteAsync);
        _ = coalesced.RequestAsync();
        await writes.Started(1).WaitAsync(Patience);

        var late = coalesced.RequestAsync();
        writes.Finish(1);
        await writes.Started(2).WaitAsync(Patience);
        Assert.False(late.IsCompleted);

        writes.Finish(2);
        await late.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_failed_write_fails_its_callers_and_the_next_change_writes_again()
    {
        var writes = new ScriptedWrites();
        var coalesced = new CoalescedWrites(writes.WriteAsync);
        var failed = coalesced.RequestAsync();
        await writes.Started(1).WaitAsync(Patience);
        writes.Fail(1, new InvalidOperationException("storage down"));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Patience));
        Assert.Equal("storage down", error.Message);

        await coalesced.IdleAsync().WaitAsync(Patience);
        var retried = coalesced.RequestAsync();
        await writes.Started(2).WaitAsync(Patience);
        writes.Finish(2);
        await retried.WaitAsync(Patience);
        Assert.Equal(2, coalesced.Writes);
    }

    [Fact]
    public async Task Asking_whether_changes_are_stored_waits_for_the_pending_write_and_never_starts_one()
    {
        var writes = new ScriptedWrites();
        var coalesced = new CoalescedWrites(writes.WriteAsync);
        Assert.True(coalesced.WhenStoredAsync().IsCompletedSuccessfully);

        _ = coalesced.RequestAsync();
        var stored = coalesced.WhenStoredAsync();
        await writes.Started(1).WaitAsync(Patience);
        Assert.False(stored.IsCompleted);

        writes.Finish(1);
        await stored.WaitAsync(Patience);
        await coalesced.IdleAsync().WaitAsync(Patience);
        Assert.True(coalesced.WhenStoredAsync().IsCompletedSuccessfully);
        Assert.Equal(1, coalesced.Writes);
    }

    /// <summary>Writes that start and end when the test says so; numbered from 1.</summary>
    private sealed class ScriptedWrites
    {
        private readonly Lock _gate = new();
        private readonly List<(TaskCompletionSource Started, TaskCompletionSource Done)> _writes = [];

        public Task WriteAsync()
        {
            var write = Slot(Count() + 1);
            write.Started.TrySetResult();
            return write.Done.Task;
        }

        public Task Started(int number) => Slot(number).Started.Task;

        public void Finish(int number) => Slot(number).Done.SetResult();

        public void Fail(int number, Exception error) => Slot(number).Done.SetException(error);

        private int Count()
        {
            lock (_gate)
            {
                return _writes.Count(w => w.Started.Task.IsCompleted);
            }
        }

        private (TaskCompletionSource Started, TaskCompletionSource Done) Slot(int number)
        {
            lock (_gate)
            {
                while (_writes.Count < number)
                {
                    _writes.Add((new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
                }

                return _writes[number - 1];
            }
        }
    }
}
