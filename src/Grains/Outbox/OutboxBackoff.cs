namespace Tracking.Grains.Outbox;

/// <summary>Exponential backoff between delivery attempts, capped.</summary>
public static class OutboxBackoff
{
    public static TimeSpan After(int attempts, TimeSpan initial, TimeSpan max)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var delay = initial.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, max.TotalMilliseconds));
    }

    /// <summary>
    /// Worth trying again: server errors, timeouts, throttling, and a receiver still busy with the same idempotency key
    /// (409, 425: it may yet roll that attempt back). Other 4xx answers will not change by retrying.
    /// </summary>
    public static bool IsTransient(int statusCode) => statusCode is >= 500 or 408 or 409 or 425 or 429;
}
