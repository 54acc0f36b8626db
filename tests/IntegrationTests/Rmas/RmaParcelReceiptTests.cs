using Xunit.Abstractions;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Rmas;

/// <summary>
/// The units of a parcel reach the dock together, and each asks its RMA for its receipt at the same moment. The RMA
/// takes them in together (it is reentrant and stores the changes made meanwhile in one write): every unit is counted
/// once, every refund-due message is queued once, and what the RMA answered is what PostgreSQL holds after the grain
/// is gone from memory.
/// </summary>
public sealed class RmaParcelReceiptTests(LifecycleHostFixture fixture, ITestOutputHelper output) : IClassFixture<LifecycleHostFixture>
{
    [Fact]
    public async Task Units_received_at_the_same_moment_are_each_counted_and_refunded_once_and_stay_stored()
    {
        const string rmaId = "RMA-PARCEL-1";
        using var manager = fixture.Host.CreateClient("manager-key");
        using var operatorClient = fixture.Host.CreateClient("operator-key");
        (await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId,
            orderReference = "ORD-4004",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new[]
            {
                new { sku = "SKU-SHOE", quantity = 8, reasonCode = "NOT_WANTED", unitValue = 60m },
                new { sku = "SKU-SOCK", quantity = 6, reasonCode = "DEFECTIVE", unitValue = 5m },
            },
        })).EnsureSuccessStatusCode();

        var units = Enumerable.Range(1, 8).Select(i => ($"LP-PARCEL-SHOE-{i}", "SKU-SHOE"))
            .Concat(Enumerable.Range(1, 6).Select(i => ($"LP-PARCEL-SOCK-{i}", "SKU-SOCK")))
            .ToList();
        var responses = await Task.WhenAll(units.Select(u => operatorClient.PostJsonAsync(
            $"/api/items/{u.Item1}/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId, sku = u.Item2 })));
        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{r.StatusCode}"));

        var rma = await fixture.Host.Grains.GetGrain<IRmaGrain>(rmaId).GetAsync();
        AssertAllCounted(rma!, units.Select(u => u.Item1));
        Assert.Equal(14L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'refund-due:{rmaId}:%'"));

        // Out of memory and back from PostgreSQL: the same answer.
        await fixture.Host.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var stored = await fixture.Host.Grains.GetGrain<IRmaGrain>(rmaId).GetAsync();
        AssertAllCounted(stored!, units.Select(u => u.Item1));
        Assert.Equal(rma!.Version, stored!.Version);
        var writes = await fixture.Database.ScalarAsync<int>($"SELECT version FROM grain_state WHERE grain_id = 'rma/{rmaId}'");
        output.WriteLine($"14 receipts, {rma.Version - 1} RMA changes, {writes} stored versions (writes, the creation included)");
    }

    private static void AssertAllCounted(RmaSnapshot rma, IEnumerable<string> units)
    {
        Assert.Equal(RmaStatus.Received, rma.Status);
        Assert.Equal([8, 6], rma.Lines.Select(l => l.Received));
        Assert.Equal(units.Order(), rma.Lines.SelectMany(l => l.Items).Order());
        Assert.Equal(units.Order(), rma.RefundsDue.Order());
    }
}
