using Microsoft.Extensions.Options;

namespace Tracking.Grains.Outbox;

/// <summary>
/// Checked when the silo starts: a webhook URL the dispatcher cannot send to, or timings that make no sense, stop the
/// start with the setting named, instead of refunds that wait forever behind a typo.
/// </summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (topic, url) in options.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                failures.Add($"{WebhookOptions.Section}:Urls:{topic} must be an absolute http or https URL (was '{url}').");
            }
        }

        if (options.MaxAttempts < 1)
        {
            failures.Add($"{WebhookOptions.Section}:MaxAttempts must be at least 1.");
        }

        foreach (var (setting, value) in new[]
        {
            ("PollInterval", options.PollInterval), ("InitialBackoff", options.InitialBackoff), ("MaxBackoff", options.MaxBackoff), ("RequestTimeout", options.RequestTimeout),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{WebhookOptions.Section}:{setting} must be positive.");
            }
        }

        if (options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{WebhookOptions.Section}:MaxBackoff must not be shorter than InitialBackoff.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
