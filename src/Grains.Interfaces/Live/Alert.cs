namespace Tracking.Grains.Interfaces.Live;

public enum AlertKind
{
    SilentReader,
    AgvError,
    TransportFailed,
    SlaOverdue,
    UnexpectedTag,
    TransferDiscrepancy,
    TransferOverdue,
}

public enum AlertSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>An open alert. <see cref="AlertId"/> is stable per cause (e.g. "silent-reader:{readerId}") so raising twice is one alert.</summary>
[GenerateSerializer, Immutable]
public sealed record Alert(
    [property: Id(0)] string AlertId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] AlertKind Kind,
    [property: Id(3)] AlertSeverity Severity,
    [property: Id(4)] string Message,
    [property: Id(5)] string? SubjectId,
    [property: Id(6)] DateTimeOffset RaisedAt);
