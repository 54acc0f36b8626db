using Tracking.Grains.Devices;

namespace Tracking.UnitTests.Devices;

public sealed class AgvStateFilterTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 14, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_state_with_a_higher_header_id_is_accepted()
    {
        var filter = new AgvStateFilter();
        Assert.True(filter.Accept(10, T0));
        Assert.True(filter.Accept(11, T0.AddSeconds(1)));
    }

    [Fact]
    public void A_state_with_a_lower_or_equal_header_id_and_no_newer_timestamp_is_dropped()
    {
        var filter = new AgvStateFilter();
        filter.Accept(10, T0);
        Assert.False(filter.Accept(9, T0.AddSeconds(-1)));
        Assert.False(filter.Accept(10, T0));
        Assert.False(filter.Accept(3, T0));
    }

    [Fact]
    public void A_lower_header_id_with_a_newer_timestamp_is_accepted_as_a_restart()
    {
        var filter = new AgvStateFilter();
        filter.Accept(1000, T0);
        Assert.True(filter.Accept(1, T0.AddSeconds(5)));
        Assert.True(filter.Accept(2, T0.AddSeconds(6)));
        Assert.False(filter.Accept(1, T0.AddSeconds(5)));
    }

    [Fact]
    public void A_connection_message_resets_the_filter()
    {
        var filter = new AgvStateFilter();
        filter.Accept(1000, T0);
        filter.Reset();
        Assert.True(filter.Accept(0, T0.AddSeconds(-10)));
    }
}
