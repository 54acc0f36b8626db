using Tracking.Api.Live;

namespace Tracking.UnitTests.Live;

public sealed class DeltaPacerTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 14, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Max = TimeSpan.FromMilliseconds(100);
    private const int SendsPerSecond = 2_000;

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_feed_that_never_sent_sends_its_first_change_at_once()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);

        Assert.Equal(TimeSpan.Zero, pacer.DelayAt(T0));
    }

    [Fact]
    public void A_feed_that_has_been_quiet_for_a_gap_sends_at_once()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);
        pacer.Sent(T0, Ms(0.1), watchers: 1);

        Assert.Equal(TimeSpan.Zero, pacer.DelayAt(T0 + Min));
        Assert.Equal(TimeSpan.Zero, pacer.DelayAt(T0 + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void A_busy_feed_waits_out_the_rest_of_the_gap_so_the_delta_rate_stays_bounded()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);
        pacer.Sent(T0, Ms(0.1), watchers: 1);

        Assert.Equal(Min, pacer.Gap);
        Assert.Equal(Ms(3), pacer.DelayAt(T0 + Ms(2)));
        Assert.Equal(Min, pacer.DelayAt(T0));
    }

    [Fact]
    public void A_costly_delta_stretches_the_gap_to_a_multiple_of_its_cost()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);
        pacer.Sent(T0, Ms(3), watchers: 1);

        Assert.Equal(Ms(3 * DeltaPacer.CostFactor), pacer.Gap);
        Assert.Equal(Ms(3 * DeltaPacer.CostFactor), pacer.DelayAt(T0));
    }

    [Fact]
    public void The_gap_never_stretches_beyond_the_maximum_and_shrinks_back_when_sends_get_cheap()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);
        pacer.Sent(T0, TimeSpan.FromSeconds(2), watchers: 1);
        Assert.Equal(Max, pacer.Gap);

        pacer.Sent(T0 + Max, Ms(0.2), watchers: 1);
        Assert.Equal(Min, pacer.Gap);
    }

    [Fact]
    public void Many_watchers_stretch_the_gap_so_the_feed_sends_at_most_its_budget_of_messages()
    {
        var pacer = new DeltaPacer(Min, Max, SendsPerSecond);

        pacer.Sent(T0, Ms(0.1), watchers: 5);
        Assert.Equal(Min, pacer.Gap);

        pacer.Sent(T0, Ms(0.1), watchers: 50);
        Assert.Equal(Ms(25), pacer.Gap);

        pacer.Sent(T0, Ms(0.1), watchers: 5_000);
        Assert.Equal(Max, pacer.Gap);
    }

    [Fact]
    public void A_feed_without_a_send_budget_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeltaPacer(Min, Max, 0));
    }

    [Fact]
    public void A_maximum_below_the_minimum_is_read_as_the_minimum()
    {
        var pacer = new DeltaPacer(Ms(50), Ms(10), SendsPerSecond);
        pacer.Sent(T0, TimeSpan.FromSeconds(1), watchers: 1);

        Assert.Equal(Ms(50), pacer.Gap);
    }

    [Fact]
    public void A_negative_gap_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeltaPacer(Ms(-1), Max, SendsPerSecond));
    }
}
