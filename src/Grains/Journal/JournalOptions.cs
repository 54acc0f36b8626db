namespace Tracking.Grains.Journal;

/// <summary>The <c>Tracking:Journal</c> section: group-commit limits of the PostgreSQL custody journal.</summary>
public sealed class JournalOptions
{
    public const string Section = "Tracking:Journal";

    /// <summary>At most this many events go into one INSERT/transaction.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Appends waiting for the writer before callers are made to wait for room (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>A batch that fails for a transient reason is retried this many times before its callers see the error.</summary>
    public int MaxRetries { get; set; } = 3;
}
