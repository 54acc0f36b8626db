using Tracking.DeviceBridge.Ingest;

namespace Tracking.UnitTests.DeviceBridge.Ingest;

public sealed class AckSequenceTests
{
    private readonly List<int> _released = [];

    [Fact]
    public void Messages_finished_out_of_order_are_acknowledged_in_receive_order()
    {
        var acks = new AckSequence<int>(_released.Add);
        var receipts = Enumerable.Range(1, 4).Select(acks.Register).ToArray();

        receipts[2].Processed();
        receipts[1].Processed();
        Assert.Empty(_released);

        receipts[0].Processed();
        Assert.Equal([1, 2, 3], _released);

        receipts[3].Processed();
        Assert.Equal([1, 2, 3, 4], _released);
        Assert.Equal(0, acks.Pending);
    }

    [Fact]
    public void An_abandoned_message_is_never_acknowledged_and_does_not_hold_back_the_others()
    {
        var acks = new AckSequence<int>(_released.Add);
        var receipts = Enumerable.Range(1, 3).Select(acks.Register).ToArray();

        receipts[1].Processed();
        receipts[2].Processed();
        receipts[0].Abandoned();

        Assert.Equal([2, 3], _released);
    }

    [Fact]
    public void A_message_still_in_a_lane_holds_back_the_acknowledgements_after_it()
    {
        var acks = new AckSequence<int>(_released.Add);
        var receipts = Enumerable.Range(1, 3).Select(acks.Register).ToArray();

        receipts[1].Processed();
        receipts[2].Processed();

        Assert.Empty(_released);
        Assert.Equal(3, acks.Pending);
    }

    [Fact]
    public void Nothing_is_acknowledged_once_the_connection_it_belongs_to_is_gone()
    {
        var acks = new AckSequence<int>(_released.Add);
        var before = acks.Register(1);
        acks.Close();
        var after = acks.Register(2);

        before.Processed();
        after.Processed();

        Assert.Empty(_released);
    }

    [Fact]
    public void Settling_a_receipt_twice_changes_nothing()
    {
        var acks = new AckSequence<int>(_released.Add);
        var first = acks.Register(1);
        var second = acks.Register(2);

        first.Processed();
        first.Abandoned();
        first.Processed();
        second.Abandoned();
        second.Processed();

        Assert.Equal([1], _released);
    }

    [Fact]
    public async Task Receipts_settled_from_many_lanes_at_once_are_released_exactly_once_in_order()
    {
        var released = new List<int>();
        var acks = new AckSequence<int>(released.Add);
        var receipts = Enumerable.Range(0, 10_000).Select(acks.Register).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(lane => Task.Run(() =>
        {
            for (var i = receipts.Length - 1 - lane; i >= 0; i -= 4)
            {
                receipts[i].Processed();
            }
        })));

        Assert.Equal(Enumerable.Range(0, 10_000), released);
    }

    [Fact]
    public void Abandoned_messages_are_counted_and_the_first_ones_wait_is_told_so_the_bridge_can_ask_for_them_again()
    {
        var acks = new AckSequence<int>(_released.Add);
        var receipts = Enumerable.Range(1, 3).Select(acks.Register).ToArray();
        Assert.Equal(TimeSpan.Zero, acks.OldestAbandonedAge(System.Diagnostics.Stopwatch.GetTimestamp()));

        receipts[0].Processed();
        receipts[1].Abandoned();
        var firstAbandoned = System.Diagnostics.Stopwatch.GetTimestamp();
        receipts[1].Processed(); // settled already: the first call wins
        receipts[2].Abandoned();

        Assert.Equal(2, acks.Abandoned);
        Assert.Equal([1], _released);
        var later = firstAbandoned + System.Diagnostics.Stopwatch.Frequency; // one second on
        Assert.InRange(acks.OldestAbandonedAge(later), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_full_window_takes_the_next_message_only_when_one_in_hand_is_settled()
    {
        var acks = new AckSequence<int>(_released.Add, window: 2);
        var first = await acks.RegisterAsync(1, CancellationToken.None);
        var second = await acks.RegisterAsync(2, CancellationToken.None);

        var third = acks.RegisterAsync(3, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);
        Assert.Equal(2, acks.InProcess);

        second!.Processed();
        Assert.NotNull(await third);
        Assert.Equal(2, acks.InProcess);
        Assert.Empty(_released);

        first!.Abandoned();
        Assert.Equal(1, acks.InProcess);
        Assert.Equal([2], _released);
    }

    [Fact]
    public async Task A_receipt_settled_twice_gives_its_room_back_once()
    {
        var acks = new AckSequence<int>(_released.Add, window: 1);
        var receipt = await acks.RegisterAsync(1, CancellationToken.None);

        receipt!.Processed();
        receipt.Abandoned();
        receipt.Processed();

        Assert.Equal(0, acks.InProcess);
        Assert.NotNull(await acks.RegisterAsync(2, CancellationToken.None));
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Assert.Null(await acks.RegisterAsync(3, soon.Token));
    }

    [Fact]
    public async Task Messages_registered_outside_the_window_take_no_room()
    {
        var acks = new AckSequence<int>(_released.Add, window: 1);
        acks.Register(1).Processed();

        Assert.Equal(0, acks.InProcess);
        Assert.NotNull(await acks.RegisterAsync(2, CancellationToken.None));
    }

    [Fact]
    public async Task Closing_frees_whoever_waits_for_room_without_taking_the_message_in()
    {
        var acks = new AckSequence<int>(_released.Add, window: 1);
        Assert.NotNull(await acks.RegisterAsync(1, CancellationToken.None));
        var waiting = acks.RegisterAsync(2, CancellationToken.None).AsTask();

        acks.Close();

        Assert.Null(await waiting);
        Assert.Null(await acks.RegisterAsync(3, CancellationToken.None));
    }

    [Fact]
    public async Task A_stopping_bridge_stops_waiting_for_room()
    {
        var acks = new AckSequence<int>(_released.Add, window: 1);
        Assert.NotNull(await acks.RegisterAsync(1, CancellationToken.None));
        using var stopping = new CancellationTokenSource();
        var waiting = acks.RegisterAsync(2, stopping.Token).AsTask();

        await stopping.CancelAsync();

        Assert.Null(await waiting);
    }
}
