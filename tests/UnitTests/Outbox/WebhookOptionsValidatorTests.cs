using Tracking.Grains.Outbox;

namespace Tracking.UnitTests.Outbox;

public sealed class WebhookOptionsValidatorTests
{
    [Theory]
    [InlineData("https://erp.example/refunds", true)]
    [InlineData("http://127.0.0.1:8080/hooks/refund-due", true)]
    [InlineData("/refunds", false)]
    [InlineData("ftp://erp.example/refunds", false)]
    [InlineData("erp.example/refunds", false)]
    public void A_webhook_url_must_be_absolute_http_or_https(string url, bool valid)
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { Urls = new() { ["refund-due"] = url } });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("Tracking:Webhooks:Urls:refund-due", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Timings_that_make_no_sense_are_named()
    {
        var result = new WebhookOptionsValidator().Validate(null, new WebhookOptions { MaxAttempts = 0, RequestTimeout = TimeSpan.Zero, MaxBackoff = TimeSpan.FromSeconds(1) });

        Assert.False(result.Succeeded);
        Assert.Contains("MaxAttempts", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RequestTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MaxBackoff must not be shorter", result.FailureMessage, StringComparison.Ordinal);
    }
}
