using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Grains.Rmas;

[GenerateSerializer]
public sealed record RmaState
{
    [Id(0)]
    public RmaSnapshot? Rma { get; init; }

    /// <summary>Items received and graded so far (refund policy on grading).</summary>
    [Id(1)]
    public IReadOnlyList<string> Graded { get; init; } = [];
}
