using System.Net;
using Tracking.Grains.Outbox;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Outbox;

/// <summary>
/// A refund the ERP refuses is parked, not lost and not hidden: an admin finds it through the API and sends it again
/// once the receiver is fixed. Real PostgreSQL outbox, real HTTP receiver on 127.0.0.1.
/// </summary>
public sealed class ParkedWebhookTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private WebhookListener _webhook = null!;
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _webhook = await WebhookListener.StartAsync(failuresPerKey: 0);
        var settings = LifecycleHostFixture.Settings(_database.ConnectionString, _webhook.Url);
        settings["Tracking:Webhooks:MaxAttempts"] = "3";
        _host = await TrackingHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _webhook.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_refused_refund_is_parked_listed_for_an_admin_and_delivered_once_after_a_retry()
    {
        using var admin = _host.CreateClient();
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        _webhook.Refusing = 404;
        (await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-PARK-1",
            orderReference = "ORD-4004",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new[] { new { sku = "SKU-SCARF", quantity = 1, reasonCode = "NOT_WANTED", unitValue = 35m } },
        })).EnsureSuccessStatusCode();
        // A licence plate printed in another script: its key cannot go into an HTTP header as it is.
        (await operatorClient.PostJsonAsync("/api/items/LP-Ü1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "RMA-PARK-1", sku = "SKU-SCARF" })).EnsureSuccessStatusCode();
        const string key = "refund-due:RMA-PARK-1:LP-Ü1";
        var sentKey = OutboxDispatcher.HeaderValue(key);
        Assert.Equal("refund-due%3ARMA-PARK-1%3ALP-%C3%9C1", sentKey);

        // A 404 will not change by retrying: parked after the first attempt, with the answer as its error.
        var parked = await WaitForAsync(async () => (await ParkedAsync(admin)).FirstOrDefault(p => p.IdempotencyKey == key));
        Assert.Equal((1, "HTTP 404", "refund-due"), (parked.Attempts, parked.LastError, parked.Topic));
        Assert.Equal(1, _webhook.AttemptsFor(sentKey));
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync(new Uri("/api/outbox/parked", UriKind.Relative))).StatusCode);

        _webhook.Refusing = null;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync(new Uri($"/api/outbox/{parked.Id}/retry", UriKind.Relative), null)).StatusCode);
        await WaitForAsync(async () => await _database.ScalarAsync<bool>($"SELECT delivered_at IS NOT NULL FROM outbox WHERE id = {parked.Id}") ? true : (bool?)null);

        var accepted = Assert.Single(_webhook.Accepted, a => a.Key == sentKey);
        Assert.Contains("LP-Ü1", accepted.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(await ParkedAsync(admin), p => p.Id == parked.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync(new Uri($"/api/outbox/{parked.Id}/retry", UriKind.Relative), null)).StatusCode);
    }

    private static async Task<IReadOnlyList<ParkedOutboxMessage>> ParkedAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(new Uri("/api/outbox/parked", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<IReadOnlyList<ParkedOutboxMessage>>();
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the outbox did not get there within 20 s");
            await Task.Delay(50);
        }
    }
}
