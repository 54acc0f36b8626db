using Orleans.Streams;

namespace Tracking.Silo.Live;

/// <summary>
/// Orleans' memory streams with a doorbell per queue (docs/decisions/0010). The memory provider's pulling agents poll
/// their queue grain on a timer, which costs about 0.1 ms of CPU per poll and adds half a period to every event: at
/// 1 ms on 2 queues an idle silo spent a fifth of a core polling. Here an agent that finds its queue empty waits for
/// the next event this silo enqueues (or <c>idleWait</c>), so a single silo delivers at once and idles quietly. Events
/// published on another silo are still found by polling: within <c>idleWait</c> plus the poll interval.
/// Everything else (queue grains, mapping, cache, failure handling) is the memory provider's own.
/// </summary>
internal sealed class DoorbellQueueAdapterFactory(IQueueAdapterFactory inner, TimeSpan idleWait, TimeProvider time) : IQueueAdapterFactory
{
    // One doorbell per queue for the whole silo, however many adapters the provider asks for.
    private readonly Dictionary<QueueId, QueueDoorbell> _doorbells = inner.GetStreamQueueMapper().GetAllQueues().ToDictionary(q => q, _ => new QueueDoorbell());

    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) =>
        new DoorbellQueueAdapter(await inner.CreateAdapter(cancellationToken), inner.GetStreamQueueMapper(), _doorbells, idleWait, time);

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);

    public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

    private sealed class DoorbellQueueAdapter(
        IQueueAdapter inner, IStreamQueueMapper mapper, Dictionary<QueueId, QueueDoorbell> doorbells, TimeSpan idleWait, TimeProvider time) : IQueueAdapter
    {
        public string Name => inner.Name;

        public bool IsRewindable => inner.IsRewindable;

        public StreamProviderDirection Direction => inner.Direction;

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
            new DoorbellQueueReceiver(inner.CreateReceiver(queueId), doorbells[queueId], idleWait, time);

        public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
        {
            await inner.QueueMessageBatchAsync(streamId, events, token, requestContext);
            doorbells[mapper.GetQueueForStream(streamId)].Ring();
        }
    }
}
