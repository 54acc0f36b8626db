using Tracking.Grains.Outbox;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Outbox;

/// <summary>The outbox table on a real PostgreSQL, through the store the silo uses.</summary>
public sealed class PostgresOutboxStoreTests : LifecycleHostOnOwnDatabase
{
    [Fact]
    public async Task A_deferred_message_keeps_its_attempts_and_comes_back_when_due()
    {
        var store = Host.Services.GetRequiredService<IOutboxStore>();
        Assert.IsType<PostgresOutboxStore>(store);
        Assert.True(await store.EnqueueAsync(new OutboxMessage("defer-1", "test-topic-defer", """{"n":1}""", DateTimeOffset.UtcNow)));

        // The silo's dispatcher may look first (the topic has no URL, so it defers the message for a second without
        // counting an attempt): whoever claims it, this claim is its first attempt.
        var first = await ClaimAsync(store, "defer-1");
        Assert.Equal(1, first.Attempts);
        await store.DeferAsync(first.Id, "no webhook URL", DateTimeOffset.UtcNow.AddSeconds(-1));

        var again = await ClaimAsync(store, "defer-1");
        Assert.Equal(1, again.Attempts);
        // This deferral's reason, or the silo's dispatcher's if it looked in between ("no webhook URL for topic …").
        Assert.StartsWith("no webhook URL", await Database.ScalarAsync<string>("SELECT last_error FROM outbox WHERE idempotency_key = 'defer-1'"), StringComparison.Ordinal);
    }

    private static async Task<PendingOutboxMessage> ClaimAsync(IOutboxStore store, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if ((await store.ClaimDueAsync(50, TimeSpan.FromMinutes(5))).FirstOrDefault(m => m.Message.IdempotencyKey == key) is { } claimed)
            {
                return claimed;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{key} never came due");
            await Task.Delay(100);
        }
    }
}
