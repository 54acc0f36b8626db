using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Journal;

namespace Tracking.Grains.Items;

/// <summary>
/// The stored state of one item. <see cref="LastEvent"/> is written atomically with the state so that, if the
/// journal append after the write fails, the event is appended again on the next call or activation (idempotent per id).
/// </summary>
[GenerateSerializer]
public sealed record ItemState : IJournaledState
{
    [Id(0)]
    public ItemSnapshot? Item { get; init; }

    /// <summary>Where the item returns after being in transit or missing.</summary>
    [Id(1)]
    public ItemStatus? BeforeAway { get; init; }

    [Id(2)]
    public ItemGrading? Grading { get; init; }

    [Id(3)]
    public ItemEvent? LastEvent { get; init; }

    /// <summary>
    /// The grade is stored but its RMA may not know yet (a refund on grading hangs on it): told again on the next
    /// activation or change until the RMA (idempotent per item) has it.
    /// </summary>
    [Id(4)]
    public bool GradeOwedToRma { get; init; }

    /// <summary>
    /// The device time of the newest gate read applied to this item: a read much older than it (redelivered, or retried
    /// after a failure while a later read moved the item) changes nothing.
    /// </summary>
    [Id(5)]
    public DateTimeOffset? LastObservedAt { get; init; }
}

/// <summary>The inspector's findings: kept for the disposition rules and the audit trail.</summary>
[GenerateSerializer, Immutable]
public sealed record ItemGrading(
    [property: Id(0)] Grade Grade,
    [property: Id(1)] string Inspector,
    [property: Id(2)] string? Notes,
    [property: Id(3)] IReadOnlyList<string> PhotoUrls,
    [property: Id(4)] string? Category,
    [property: Id(5)] decimal? Value,
    [property: Id(6)] bool VendorReturnEligible,
    [property: Id(7)] DateTimeOffset At);
