namespace Tracking.DeviceBridge.Ingest;

/// <summary>Either a parsed value or why the payload was refused (a dead-letter reason and a precise detail).</summary>
public readonly record struct ParseResult<T>(T? Value, string? Reason, string? Detail)
    where T : class
{
    public bool Ok => Value is not null;

    public static ParseResult<T> Success(T value) => new(value, null, null);

    public static ParseResult<T> Fail(string reason, string detail) => new(null, reason, detail);
}
