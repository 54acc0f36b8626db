using Tracking.Grains.Devices;

namespace Tracking.UnitTests.Devices;

public sealed class ReadRateTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void The_rate_is_reads_over_the_window()
    {
        var rate = new ReadRate(10);
        for (var s = 0; s < 10; s++)
        {
            rate.Add(50, T0.AddSeconds(s));
        }

        Assert.Equal(50, rate.PerSecond(T0.AddSeconds(9)));
    }

    [Fact]
    public void Old_reads_leave_the_window()
    {
        var rate = new ReadRate(10);
        rate.Add(100, T0);
        Assert.Equal(10, rate.PerSecond(T0.AddSeconds(5)));
        Assert.Equal(0, rate.PerSecond(T0.AddSeconds(10)));
    }
}
