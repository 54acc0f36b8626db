using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>When the silo starts a background collection to keep the runtime's background GC thread alive (decision 0020).</summary>
public sealed class BackgroundCollectionScheduleTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void The_first_look_starts_a_collection_so_the_thread_is_made_while_the_silo_starts()
    {
        var schedule = new BackgroundCollectionSchedule(Limit);

        Assert.True(schedule.IsDue(7, At(0)));
        Assert.False(schedule.IsDue(7, At(1)));
    }

    [Fact]
    public void A_collection_is_due_once_none_has_ended_for_the_quiet_limit()
    {
        var schedule = new BackgroundCollectionSchedule(Limit);
        _ = schedule.IsDue(7, At(0));
        Assert.False(schedule.IsDue(8, At(1)));

        Assert.False(schedule.IsDue(8, At(15.9)));
        Assert.True(schedule.IsDue(8, At(16)));
    }

    [Fact]
    public void A_background_collection_of_the_runtimes_own_starts_the_quiet_time_over()
    {
        var schedule = new BackgroundCollectionSchedule(Limit);
        _ = schedule.IsDue(7, At(0));
        Assert.False(schedule.IsDue(7, At(5)));

        Assert.False(schedule.IsDue(8, At(10)));

        Assert.False(schedule.IsDue(8, At(24)));
        Assert.True(schedule.IsDue(8, At(25)));
    }

    [Fact]
    public void A_requested_collection_still_running_is_not_requested_again()
    {
        var schedule = new BackgroundCollectionSchedule(Limit);
        _ = schedule.IsDue(6, At(0));
        Assert.False(schedule.IsDue(7, At(0.5)));
        Assert.True(schedule.IsDue(7, At(15.5)));

        // A large heap takes seconds to mark; the index changes only when the collection ends.
        Assert.False(schedule.IsDue(7, At(16.5)));
        Assert.False(schedule.IsDue(7, At(40)));

        Assert.False(schedule.IsDue(8, At(41)));
        Assert.True(schedule.IsDue(8, At(56)));
    }

    [Fact]
    public void A_requested_collection_that_never_came_is_requested_again_after_four_limits()
    {
        var schedule = new BackgroundCollectionSchedule(Limit);
        _ = schedule.IsDue(6, At(0));
        Assert.False(schedule.IsDue(7, At(0.5)));
        Assert.True(schedule.IsDue(7, At(15.5)));

        Assert.False(schedule.IsDue(7, At(75.4)));
        Assert.True(schedule.IsDue(7, At(75.5)));
    }

    [Fact]
    public void The_quiet_limit_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundCollectionSchedule(TimeSpan.Zero));
}
