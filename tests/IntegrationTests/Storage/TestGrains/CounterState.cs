namespace Tracking.IntegrationTests.Storage.TestGrains;

[GenerateSerializer]
public sealed record CounterState
{
    [Id(0)]
    public int Total { get; init; }

    [Id(1)]
    public string? WrittenBy { get; init; }
}
