namespace Tracking.Silo.Storage.GrainState;

/// <summary>The <c>Tracking:GrainStorage</c> section: limits of the batched PostgreSQL grain-state writer.</summary>
public sealed class BatchedGrainStorageOptions
{
    public const string Section = "Tracking:GrainStorage";

    /// <summary>At most this many grain-state writes (or reads) go into one statement.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Requests waiting for the writer before callers are made to wait for room (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>A batch that fails for a transient reason (connection, deadlock) is retried this many times.</summary>
    public int MaxRetries { get; set; } = 3;
}
