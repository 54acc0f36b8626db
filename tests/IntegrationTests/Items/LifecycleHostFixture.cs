using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Items;

/// <summary>
/// One real host on PostgreSQL storage (fresh database, schema migrated at start-up) with the refund webhook pointed at a
/// real listener on 127.0.0.1 that fails the first two attempts of each key. Shared by a test class.
/// </summary>
public sealed class LifecycleHostFixture : IAsyncLifetime
{
    public const int WebhookFailuresPerKey = 2;

    public PostgresDatabase Database { get; } = new();

    public TrackingHost Host { get; private set; } = null!;

    public WebhookListener Webhook { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Webhook = await WebhookListener.StartAsync(WebhookFailuresPerKey);
        Host = await TrackingHost.StartAsync(Settings(Database.ConnectionString, Webhook.Url));
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Webhook.DisposeAsync();
        await Database.DisposeAsync();
    }

    public static Dictionary<string, string> Settings(string connectionString, Uri? webhook = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Tracking:Storage:Mode"] = "PostgreSql",
            ["Tracking:PostgreSql:ConnectionString"] = connectionString,
            ["Tracking:Lifecycle:LocationFlushInterval"] = "00:00:00.050",
            ["Tracking:Webhooks:PollInterval"] = "00:00:00.050",
            ["Tracking:Webhooks:InitialBackoff"] = "00:00:00.100",
            ["Tracking:Webhooks:MaxBackoff"] = "00:00:01",
        };
        if (webhook is not null)
        {
            settings["Tracking:Webhooks:Urls:refund-due"] = new Uri(webhook, "/hooks/refund-due").ToString();
        }

        return settings;
    }
}
