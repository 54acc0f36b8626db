namespace Tracking.Grains.Outbox;

/// <summary>The <c>Tracking:Webhooks</c> section: where outbox messages go and how hard to try.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Tracking:Webhooks";

    /// <summary>Topic → URL, e.g. <c>Tracking:Webhooks:Urls:refund-due=https://erp.example/refunds</c>. A topic without a URL waits.</summary>
    public Dictionary<string, string> Urls { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many failed attempts the message is parked (gave_up_at) for a person to look at.</summary>
    public int MaxAttempts { get; set; } = 20;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
