using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Live;
using Tracking.UnitTests.Infrastructure;

namespace Tracking.UnitTests.Live;

public sealed class LiveStreamExtensionsTests
{
    private static readonly GateActivity Event = new("AMS1", DateTimeOffset.UtcNow, "AMS1-GATE-IN", 1, 4, "3074257BF7194E4000001A85");

    [Fact]
    public void A_publish_that_fails_while_the_silo_runs_is_a_warning_with_its_exception()
    {
        var log = new RecordingLogger();
        LiveStreamExtensions.OnPublishFailed(Event, log, new InvalidOperationException("queue unreachable"), siloStopping: false);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("GateActivity", entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public void A_publish_that_fails_while_the_silo_shuts_down_is_logged_at_debug_only()
    {
        var log = new RecordingLogger();
        LiveStreamExtensions.OnPublishFailed(Event, log, new InvalidOperationException("No active nodes are compatible"), siloStopping: true);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains("shutting down (No active nodes are compatible)", entry.Message, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
    }
}
