namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Simulated devices that publish a prepared list of messages. Loading comes before the measured clock starts, so a
/// publisher in another process is not charged for receiving its messages.
/// </summary>
public interface IDevicePublishers : IAsyncDisposable
{
    /// <summary>Where the devices run, for the report.</summary>
    string Describe { get; }

    /// <summary>The publishers' own process, or null when they run in the benchmark's process.</summary>
    int? ProcessId { get; }

    Task LoadAsync(IReadOnlyList<OutgoingMessage> messages);

    /// <summary>Publishes the loaded messages in order (0 messages/s = as fast as acknowledgements allow), stopping early at <paramref name="limit"/>.</summary>
    Task<PublishOutcome> RunLoadedAsync(double perSecond, TimeSpan limit);

    /// <summary>
    /// As <see cref="RunLoadedAsync(double, TimeSpan)"/>, and gives back each loaded message's <see cref="System.Diagnostics.Stopwatch"/>
    /// timestamp taken just before it went to its MQTT client (0 for one never sent). Stopwatch timestamps are the
    /// machine's monotonic clock, so they compare across processes.
    /// </summary>
    Task<(PublishOutcome Outcome, long[] PublishedAt)> RunLoadedTimedAsync(double perSecond, TimeSpan limit);
}
