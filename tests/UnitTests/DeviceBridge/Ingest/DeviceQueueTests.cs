using Tracking.DeviceBridge.Ingest;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Ingest;

public sealed class DeviceQueueTests
{
    [Fact]
    public void Only_the_first_add_to_an_idle_device_asks_for_its_loop_to_start()
    {
        var queue = new DeviceQueue("AMS1-GATE-IN", isReader: true);

        Assert.True(queue.Add(Reads(2)));
        Assert.False(queue.Add(Reads(3)));
    }

    [Fact]
    public void Messages_added_while_a_batch_is_under_way_go_together_as_the_next_batch_in_order()
    {
        var queue = new DeviceQueue("AMS1-GATE-IN", isReader: true);
        var first = Reads(2);
        var later = Reads(3).Concat(Reads(1)).ToArray();
        queue.Add(first);

        Assert.Equal(first, queue.Take(100));
        queue.Add(later[..3]);
        queue.Add(later[3..]);
        Assert.Equal(later, queue.Take(100));
    }

    [Fact]
    public void A_batch_holds_at_most_the_limit_and_the_rest_follows_oldest_first()
    {
        var queue = new DeviceQueue("AMS1-GATE-IN", isReader: true);
        var messages = Reads(5);
        queue.Add(messages);

        Assert.Equal(messages[..2], queue.Take(2));
        Assert.Equal(messages[2..4], queue.Take(2));
        Assert.Equal(messages[4..], queue.Take(2));
    }

    [Fact]
    public void When_nothing_waits_the_loop_ends_and_the_next_add_starts_it_again()
    {
        var queue = new DeviceQueue("AMS1-GATE-IN", isReader: true);
        queue.Add(Reads(1));
        queue.Take(10);
        Assert.False(queue.IsIdle);

        Assert.Null(queue.Take(10));

        Assert.True(queue.IsIdle);
        Assert.True(queue.Add(Reads(1)));
    }

    [Fact]
    public void A_device_with_a_batch_still_settling_is_not_idle()
    {
        var queue = new DeviceQueue("AMS1-GATE-IN", isReader: true);
        var storing = new TaskCompletionSource();
        queue.Add(Reads(1));
        queue.Take(10);
        queue.Settling.Enqueue(storing.Task);
        queue.Take(10);

        Assert.False(queue.IsIdle);
        storing.SetResult();
        Assert.True(queue.IsIdle);
    }

    private static DeviceMessage[] Reads(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new RfidMessage("AMS1-GATE-IN", [new RfidRead($"30{i:X22}", 1, -50, DateTimeOffset.UnixEpoch)]))];
}
