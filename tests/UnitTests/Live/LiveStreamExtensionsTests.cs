using Microsoft.Extensions.Logging;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Live;

namespace Tracking.UnitTests.Live;

public sealed class LiveStreamExtensionsTests
{
    private static readonly GateActivity Event = new("AMS1", DateTimeOffset.UtcNow, "AMS1-GATE-IN", 1, 4, "3074257BF7194E4000001A85");

    [Fact]
    public async Task A_failed_publish_never_fails_the_change_and_is_a_warning_while_the_silo_runs()
    {
        var log = new RecordingLogger();
        await LiveStreamExtensions.PublishAsync(() => throw new InvalidOperationException("queue unreachable"), Event, log, () => false);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("GateActivity", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publish_that_fails_while_the_silo_shuts_down_is_logged_at_debug_only()
    {
        var log = new RecordingLogger();
        await LiveStreamExtensions.PublishAsync(() => Task.FromException(new InvalidOperationException("No active nodes are compatible")), Event, log, () => true);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains("shutting down", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_published_event_asks_nothing_about_the_silo_and_logs_nothing()
    {
        var log = new RecordingLogger();
        var published = 0;
        await LiveStreamExtensions.PublishAsync(() => { published++; return Task.CompletedTask; }, Event, log, () => throw new InvalidOperationException("not asked"));
        Assert.Equal(1, published);
        Assert.Empty(log.Entries);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
