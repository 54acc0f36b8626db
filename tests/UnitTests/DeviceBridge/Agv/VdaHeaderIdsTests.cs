using Tracking.DeviceBridge.Agv;

namespace Tracking.UnitTests.DeviceBridge.Agv;

public sealed class VdaHeaderIdsTests
{
    [Fact]
    public void Each_topic_counts_up_by_one_from_its_own_start()
    {
        var ids = new VdaHeaderIds(new Clock(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero)));
        var first = ids.Next("uagv/v2/acme/A/order");
        Assert.Equal(first + 1, ids.Next("uagv/v2/acme/A/order"));
        Assert.Equal(first + 2, ids.Next("uagv/v2/acme/A/order"));
        Assert.Equal(first, ids.Next("uagv/v2/acme/B/order"));
    }

    [Fact]
    public void A_bridge_started_later_goes_on_above_the_ids_an_earlier_one_sent()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        var before = new VdaHeaderIds(clock);
        var last = 0L;
        for (var i = 0; i < 600; i++)
        {
            last = before.Next("uagv/v2/acme/A/order");
        }

        // 600 orders in the minute before a restart (ten a second): the restarted bridge still starts above them.
        clock.Now += TimeSpan.FromSeconds(61);
        var after = new VdaHeaderIds(clock);
        Assert.True(after.Next("uagv/v2/acme/A/order") > last);
    }

    [Fact]
    public void Ids_fit_in_32_bits_for_years()
    {
        var ids = new VdaHeaderIds(new Clock(new DateTimeOffset(2038, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.InRange(ids.Next("t"), 0, uint.MaxValue);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
