using Tracking.Grains.Devices;

// The tests own the TaskCompletionSources whose tasks the sequence runs and they await.
#pragma warning disable VSTHRD003

namespace Tracking.UnitTests.Devices;

public sealed class KeyedSequenceTests
{
    [Fact]
    public async Task Work_for_a_tag_starts_only_after_the_earlier_work_for_it_succeeded()
    {
        var sequence = new KeyedSequence();
        var arrival = new TaskCompletionSource();
        var started = new List<string>();
        var first = sequence.RunAsync("EPC-1", () =>
        {
            started.Add("arrival");
            return arrival.Task;
        });
        var second = sequence.RunAsync("EPC-1", () =>
        {
            started.Add("zone change");
            return Task.CompletedTask;
        });

        Assert.Equal(["arrival"], started);
        Assert.False(second.IsCompleted);

        arrival.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(["arrival", "zone change"], started);
    }

    [Fact]
    public async Task Work_for_different_tags_runs_at_once()
    {
        var sequence = new KeyedSequence();
        var blocked = new TaskCompletionSource();
        var started = new List<string>();
        var first = sequence.RunAsync("EPC-1", () =>
        {
            started.Add("EPC-1");
            return blocked.Task;
        });
        var second = sequence.RunAsync("EPC-2", () =>
        {
            started.Add("EPC-2");
            return Task.CompletedTask;
        });

        Assert.Equal(["EPC-1", "EPC-2"], started);
        Assert.True(second.IsCompletedSuccessfully);
        blocked.SetResult();
        await first;
    }

    [Fact]
    public async Task Later_work_for_a_tag_fails_without_running_when_the_earlier_work_failed()
    {
        var sequence = new KeyedSequence();
        var arrival = new TaskCompletionSource();
        var ranLater = false;
        var first = sequence.RunAsync("EPC-1", () => arrival.Task);
        var second = sequence.RunAsync("EPC-1", () =>
        {
            ranLater = true;
            return Task.CompletedTask;
        });

        arrival.SetException(new InvalidOperationException("storage down"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.False(ranLater);
    }

    [Fact]
    public async Task Prune_forgets_only_tags_whose_work_has_finished()
    {
        var sequence = new KeyedSequence();
        var pending = new TaskCompletionSource();
        var inFlight = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            // Finished and busy tags interleaved: pruning removes entries while it walks the map.
            await sequence.RunAsync($"EPC-done-{i}", () => Task.CompletedTask);
            inFlight.Add(sequence.RunAsync($"EPC-busy-{i}", () => pending.Task));
        }

        sequence.Prune();

        Assert.Equal(5, sequence.Count);
        pending.SetResult();
        await Task.WhenAll(inFlight);
        sequence.Prune();
        Assert.Equal(0, sequence.Count);
    }

    [Fact]
    public async Task After_a_failure_is_pruned_new_work_for_the_tag_runs_again()
    {
        var sequence = new KeyedSequence();
        var failed = sequence.RunAsync("EPC-1", () => Task.FromException(new InvalidOperationException("storage down")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);

        sequence.Prune();
        var ran = false;
        await sequence.RunAsync("EPC-1", () =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
    }

    [Fact]
    public async Task Work_asked_for_after_the_earlier_work_already_failed_runs()
    {
        // The gate forgets a tag whose item call failed, so the tag's next read is a new arrival that must be told.
        var sequence = new KeyedSequence();
        var failed = sequence.RunAsync("EPC-1", () => Task.FromException(new InvalidOperationException("storage down")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);

        var ran = false;
        await sequence.RunAsync("EPC-1", () =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
    }

    [Fact]
    public async Task Work_skipped_because_the_earlier_work_failed_is_reported_before_it_fails()
    {
        // The gate takes the tag out of its field here: a later read must report the change the item never got.
        var sequence = new KeyedSequence();
        var arrival = new TaskCompletionSource();
        var first = sequence.RunAsync("EPC-1", () => arrival.Task);
        var skipped = 0;
        var second = sequence.RunAsync("EPC-1", () => Task.CompletedTask, () => skipped++);
        var seenWhenFailed = -1;
        var observed = second.ContinueWith(_ => seenWhenFailed = skipped, TaskScheduler.Default);

        arrival.SetException(new InvalidOperationException("storage down"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        await observed;
        Assert.Equal(1, seenWhenFailed);
    }

    [Fact]
    public async Task Work_that_runs_is_never_reported_as_skipped()
    {
        var sequence = new KeyedSequence();
        var arrival = new TaskCompletionSource();
        var skipped = 0;
        var first = sequence.RunAsync("EPC-1", () => arrival.Task, () => skipped++);
        var second = sequence.RunAsync("EPC-1", () => Task.FromException(new InvalidOperationException("item refused")), () => skipped++);

        arrival.SetResult();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal(0, skipped);
    }

    [Fact]
    public async Task A_tags_latest_work_is_named_only_while_it_runs()
    {
        var sequence = new KeyedSequence();
        var arrival = new TaskCompletionSource();
        Assert.False(sequence.TryGetRunning("EPC-1", out _));

        var first = sequence.RunAsync("EPC-1", () => arrival.Task);
        Assert.True(sequence.TryGetRunning("EPC-1", out var running));
        Assert.Same(first, running);
        var second = sequence.RunAsync("EPC-1", () => Task.CompletedTask);
        Assert.True(sequence.TryGetRunning("EPC-1", out running));
        Assert.Same(second, running);
        Assert.False(sequence.TryGetRunning("EPC-2", out _));

        arrival.SetResult();
        await Task.WhenAll(first, second);
        Assert.False(sequence.TryGetRunning("EPC-1", out _));
    }
}
