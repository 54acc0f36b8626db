using System.Text.Json.Nodes;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Rmas;

/// <summary>
/// Refund-due webhooks through the PostgreSQL outbox to a real listener on 127.0.0.1 that answers 503 to the first two
/// attempts of each key: every key is retried with backoff and applied exactly once.
/// </summary>
public sealed class RefundWebhookTests(LifecycleHostFixture fixture) : IClassFixture<LifecycleHostFixture>
{
    [Fact]
    public async Task Each_refund_due_is_delivered_exactly_once_per_key_after_failed_attempts()
    {
        using var manager = fixture.Host.CreateClient("manager-key");
        using var operatorClient = fixture.Host.CreateClient("operator-key");
        (await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-REFUND-1",
            orderReference = "ORD-3003",
            channel = "Store",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new[] { new { sku = "SKU-JACKET", quantity = 2, reasonCode = "NOT_WANTED", unitValue = 120m } },
        })).EnsureSuccessStatusCode();

        foreach (var id in new[] { "LP-REFUND-1", "LP-REFUND-2" })
        {
            (await operatorClient.PostJsonAsync($"/api/items/{id}/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "RMA-REFUND-1", sku = "SKU-JACKET" })).EnsureSuccessStatusCode();
        }

        // A repeated scan of a received unit is refused and must not produce a second refund.
        Assert.False((await operatorClient.PostJsonAsync("/api/items/LP-REFUND-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "RMA-REFUND-1" })).IsSuccessStatusCode);

        string[] keys = ["refund-due:RMA-REFUND-1:LP-REFUND-1", "refund-due:RMA-REFUND-1:LP-REFUND-2"];
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !(await DeliveredAsync(keys)))
        {
            await Task.Delay(50);
        }

        Assert.True(await DeliveredAsync(keys), "the outbox did not mark both messages delivered in time");
        foreach (var key in keys)
        {
            var accepted = fixture.Webhook.Accepted.Where(a => a.Key == key).ToList();
            var single = Assert.Single(accepted);
            Assert.Equal(LifecycleHostFixture.WebhookFailuresPerKey + 1, fixture.Webhook.AttemptsFor(key));
            Assert.Equal(LifecycleHostFixture.WebhookFailuresPerKey + 1, await fixture.Database.ScalarAsync<int>($"SELECT attempts FROM outbox WHERE idempotency_key = '{key}'"));
            var body = JsonNode.Parse(single.Body)!;
            Assert.Equal("RMA-REFUND-1", body["rmaId"]!.GetValue<string>());
            Assert.Equal("ORD-3003", body["orderReference"]!.GetValue<string>());
            Assert.Equal(120m, body["unitValue"]!.GetValue<decimal>());
        }

        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'refund-due:RMA-REFUND-1:%'"));
        Assert.DoesNotContain(fixture.Webhook.Requests, r => r.Key is null);
    }

    private async Task<bool> DeliveredAsync(string[] keys)
    {
        var delivered = await fixture.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL AND idempotency_key IN ({string.Join(", ", keys.Select(k => $"'{k}'"))})");
        return delivered == keys.Length;
    }
}
