using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Grains.Live;

/// <summary>
/// One handle per live stream for the whole silo, shared by every grain that publishes.
/// </summary>
/// <remarks>
/// Orleans' <c>GetStream</c>, called during a grain's turn, gives each activation a stream directory of its own (resolved
/// from the activation's services, with a dictionary inside), its own stream handle and producer, and cleans them up when
/// the activation ends. Every new item that publishes one event paid all of that. A persistent stream's producer keeps
/// nothing of the grain: it puts the event on the stream's queue, in the caller's turn and request context. So a handle
/// made once, outside any grain, serves them all. docs/benchmarks.md has what it saved.
/// </remarks>
public sealed class LiveStreamHandles(IServiceProvider services)
{
    private readonly ConcurrentDictionary<StreamId, Task<IAsyncStream<LiveEvent>>> _handles = new();

    public ValueTask<IAsyncStream<LiveEvent>> WarehouseAsync(string warehouse) =>
        GetAsync(StreamId.Create(LiveStreams.WarehouseNamespace, warehouse));

    public ValueTask<IAsyncStream<LiveEvent>> RegionAsync(string region) =>
        GetAsync(StreamId.Create(LiveStreams.RegionNamespace, region));

    private ValueTask<IAsyncStream<LiveEvent>> GetAsync(StreamId id)
    {
        var handle = _handles.GetOrAdd(id, CreateAsync);
        if (handle.IsCompletedSuccessfully)
        {
            return new ValueTask<IAsyncStream<LiveEvent>>(handle.Result);
        }

        if (handle.IsFaulted)
        {
            // Not kept: the next publish tries again.
            _handles.TryRemove(new KeyValuePair<StreamId, Task<IAsyncStream<LiveEvent>>>(id, handle));
        }

        return new ValueTask<IAsyncStream<LiveEvent>>(handle);
    }

    // Made on the thread pool, outside the calling grain's turn: Orleans then files the handle with the silo, not with
    // that activation, so it outlives it.
    private Task<IAsyncStream<LiveEvent>> CreateAsync(StreamId id) =>
        Task.Run(() => services.GetRequiredKeyedService<IStreamProvider>(LiveStreams.Provider).GetStream<LiveEvent>(id));
}
