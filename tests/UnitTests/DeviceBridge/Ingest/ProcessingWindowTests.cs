using Tracking.DeviceBridge.Ingest;

namespace Tracking.UnitTests.DeviceBridge.Ingest;

public sealed class ProcessingWindowTests
{
    private readonly List<int> _released = [];

    [Fact]
    public async Task A_full_window_takes_the_next_message_only_when_one_in_hand_is_settled()
    {
        var window = new ProcessingWindow(2);
        var acks = new AckSequence<int>(_released.Add);
        Assert.True(await window.EnterAsync(CancellationToken.None));
        var first = window.Track(acks.Register(1));
        Assert.True(await window.EnterAsync(CancellationToken.None));
        var second = window.Track(acks.Register(2));

        var third = window.EnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, window.InUse);

        second.Processed();
        Assert.True(await third);
        Assert.Equal(2, window.InUse);
        Assert.Empty(_released);

        first.Abandoned();
        Assert.Equal(1, window.InUse);
        Assert.Equal([2], _released);
    }

    [Fact]
    public async Task A_receipt_settled_twice_gives_its_room_back_once()
    {
        var window = new ProcessingWindow(1);
        Assert.True(await window.EnterAsync(CancellationToken.None));
        var receipt = window.Track(new AckSequence<int>(_released.Add).Register(1));

        receipt.Processed();
        receipt.Abandoned();
        receipt.Processed();

        Assert.Equal(0, window.InUse);
        Assert.True(await window.EnterAsync(CancellationToken.None));
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.False(await window.EnterAsync(soon.Token));
    }

    [Fact]
    public async Task Closing_the_window_frees_whoever_waits_without_taking_the_message_in()
    {
        var window = new ProcessingWindow(1);
        Assert.True(await window.EnterAsync(CancellationToken.None));
        var waiting = window.EnterAsync(CancellationToken.None).AsTask();

        window.Close();

        Assert.False(await waiting);
        Assert.False(await window.EnterAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_stopping_bridge_stops_waiting()
    {
        var window = new ProcessingWindow(1);
        Assert.True(await window.EnterAsync(CancellationToken.None));
        using var stopping = new CancellationTokenSource();
        var waiting = window.EnterAsync(stopping.Token).AsTask();

        await stopping.CancelAsync();

        Assert.False(await waiting);
    }
}
