using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>When the silo starts a background collection to keep the runtime's background GC thread alive (decision 0020).</summary>
public sealed class BackgroundCollectionScheduleTests
{
    private const bool Idle = true;

    private const bool Busy = false;

    private static BackgroundCollectionSchedule NewSchedule() => new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void The_first_look_starts_a_collection_so_the_thread_is_made_while_the_silo_starts()
    {
        var schedule = NewSchedule();

        Assert.True(schedule.IsDue(7, At(0), Busy));
        Assert.False(schedule.IsDue(7, At(1), Idle));
    }

    [Fact]
    public void A_busy_silo_gets_a_collection_once_none_has_ended_for_the_latest_limit()
    {
        var schedule = NewSchedule();
        _ = schedule.IsDue(7, At(0), Busy);
        Assert.False(schedule.IsDue(8, At(1), Busy));

        Assert.False(schedule.IsDue(8, At(15.9), Busy));
        Assert.True(schedule.IsDue(8, At(16), Busy));
    }

    [Fact]
    public void An_idle_silo_gets_it_from_the_earliest_limit_on()
    {
        var schedule = NewSchedule();
        _ = schedule.IsDue(7, At(0), Busy);
        Assert.False(schedule.IsDue(8, At(1), Idle));

        Assert.False(schedule.IsDue(8, At(10.9), Idle));
        Assert.False(schedule.IsDue(8, At(11), Busy));
        Assert.True(schedule.IsDue(8, At(12), Idle));
    }

    [Fact]
    public void A_background_collection_of_the_runtimes_own_starts_the_quiet_time_over()
    {
        var schedule = NewSchedule();
        _ = schedule.IsDue(7, At(0), Busy);
        Assert.False(schedule.IsDue(7, At(5), Busy));

        Assert.False(schedule.IsDue(8, At(10), Busy));

        Assert.False(schedule.IsDue(8, At(24), Busy));
        Assert.True(schedule.IsDue(8, At(25), Busy));
    }

    [Fact]
    public void A_requested_collection_still_running_is_not_requested_again()
    {
        var schedule = NewSchedule();
        _ = schedule.IsDue(6, At(0), Busy);
        Assert.False(schedule.IsDue(7, At(0.5), Busy));
        Assert.True(schedule.IsDue(7, At(15.5), Busy));

        // A large heap takes seconds to mark; the index changes only when the collection ends.
        Assert.False(schedule.IsDue(7, At(16.5), Idle));
        Assert.False(schedule.IsDue(7, At(40), Idle));

        Assert.False(schedule.IsDue(8, At(41), Busy));
        Assert.True(schedule.IsDue(8, At(56), Busy));
    }

    [Fact]
    public void A_requested_collection_that_never_came_is_requested_again_after_four_latest_limits()
    {
        var schedule = NewSchedule();
        _ = schedule.IsDue(6, At(0), Busy);
        Assert.False(schedule.IsDue(7, At(0.5), Busy));
        Assert.True(schedule.IsDue(7, At(15.5), Busy));

        Assert.False(schedule.IsDue(7, At(75.4), Busy));
        Assert.True(schedule.IsDue(7, At(75.5), Busy));
    }

    [Theory]
    [InlineData(10, 0)]
    [InlineData(-1, 15)]
    [InlineData(16, 15)]
    public void The_limits_must_be_in_order_and_the_latest_positive(double earliest, double latest) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundCollectionSchedule(At(earliest), At(latest)));
}
