using Orleans.Concurrency;

namespace Tracking.Grains.Interfaces.Devices;

/// <summary>One per warehouse: queues transport tasks and assigns them to the best available AGV.</summary>
public interface ITransportDispatcherGrain : IGrainWithStringKey
{
    /// <summary>
    /// Idempotent per item and target: asking twice returns the same task. A new target while the item's task still waits
    /// re-targets that task; while an AGV already carries the item, a follow-up task from that drop is queued.
    /// </summary>
    Task<TransportTask> RequestMoveAsync(TransportRequest request);

    Task<IReadOnlyList<TransportTask>> GetTasksAsync();

    /// <summary>An AGV of this warehouse reports a changed status (one-way: AGV grains never wait on the dispatcher).</summary>
    [OneWay]
    Task AgvUpdatedAsync(AgvSnapshot agv);

    /// <summary>An AGV reports progress on the task it was given (one-way, see <see cref="AgvUpdatedAsync"/>).</summary>
    [OneWay]
    Task ReportProgressAsync(TransportProgress progress);
}

[GenerateSerializer, Immutable]
public sealed record TransportRequest(
    [property: Id(0)] string ItemId,
    [property: Id(1)] string FromLocation,
    [property: Id(2)] string ToLocation,
    [property: Id(3)] int Priority = 0);

public enum TransportTaskStatus
{
    Queued,
    Assigned,
    InProgress,
    Completed,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record TransportTask(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] string ItemId,
    [property: Id(3)] string FromLocation,
    [property: Id(4)] string ToLocation,
    [property: Id(5)] TransportTaskStatus Status,
    [property: Id(6)] string? AgvId,
    [property: Id(7)] int Attempts,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset UpdatedAt,
    [property: Id(10)] int Priority = 0,
    [property: Id(11)] string? LastError = null,
    [property: Id(12)] string? OrderId = null);
