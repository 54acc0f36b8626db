using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Tracking.Grains.Common;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>
/// This silo's live events on their way to the warehouse streams, one queue per warehouse: whatever gathered while the
/// previous batch was handed to the stream goes in one stream call. A busy floor then costs one call to the stream's
/// queue per batch instead of one per event, and a grain that changed does not wait for the stream (its event is queued,
/// in order). A lone event on a quiet floor goes at once. See docs/decisions/0015-batched-live-publishing.md.
/// </summary>
public sealed partial class LiveEventPublisher(IServiceProvider services, ILogger<LiveEventPublisher> logger) : IAsyncDisposable
{
    /// <summary>Events waiting per warehouse; beyond it publishers wait (backpressure) rather than lose events.</summary>
    internal const int Capacity = 10_000;

    /// <summary>Events per stream call at most.</summary>
    internal const int MaxBatch = 256;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(2);

    private static readonly Histogram<int> BatchSize = DeviceMetrics.Meter.CreateHistogram<int>(
        "tracking.live.batch_size", description: "Live events per stream call (one warehouse, one silo)");

    private readonly Dictionary<string, GroupCommitQueue<LiveEvent>> _queues = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IStreamProvider? _provider;
    private bool _disposed;

    /// <summary>Queues the event for its warehouse's stream; completes at once unless that queue is full.</summary>
    public ValueTask PublishAsync(LiveEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        GroupCommitQueue<LiveEvent> queue;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_queues.TryGetValue(evt.Warehouse, out queue!))
            {
                var warehouse = evt.Warehouse;
                queue = new GroupCommitQueue<LiveEvent>(Capacity, MaxBatch, batch => SendAsync(warehouse, batch));
                _queues.Add(warehouse, queue);
            }
        }

        return queue.EnqueueAsync(evt, CancellationToken.None);
    }

    /// <summary>Sends what is queued for a short while; live events still queued after that are dropped (maps resync).</summary>
    public async ValueTask DisposeAsync()
    {
        List<GroupCommitQueue<LiveEvent>> queues;
        lock (_lock)
        {
            _disposed = true;
            queues = [.. _queues.Values];
        }

        var drained = Task.WhenAll(queues.Select(q => q.DisposeAsync().AsTask()));
        await Task.WhenAny(drained, Task.Delay(DisposeWait));
    }

    private async Task SendAsync(string warehouse, List<LiveEvent> batch)
    {
        try
        {
            _provider ??= services.GetRequiredKeyedService<IStreamProvider>(LiveStreams.Provider);
            await _provider.WarehouseStream(warehouse).OnNextBatchAsync(batch);
            BatchSize.Record(batch.Count);
        }
        catch (Exception ex)
        {
            // Best effort: the state changes behind these events are stored; maps that miss them resync.
            LiveStreamExtensions.OnBatchPublishFailed(warehouse, batch.Count, logger, ex, SiloIsStopping());
        }
    }

    private bool SiloIsStopping() => services.GetService<ISiloStatusOracle>() is { } oracle && oracle.CurrentStatus.IsTerminating();
}
