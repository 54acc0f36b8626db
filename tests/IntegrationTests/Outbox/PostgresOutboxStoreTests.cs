using Tracking.Grains.Outbox;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Outbox;

/// <summary>The outbox table on a real PostgreSQL, through the store the silo uses.</summary>
public sealed class PostgresOutboxStoreTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        var settings = LifecycleHostFixture.Settings(_database.ConnectionString);
        // The silo's own dispatcher must not claim the test's messages first: it looks once at start, then in an hour.
        settings["Tracking:Webhooks:PollInterval"] = "01:00:00";
        _host = await TrackingHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_deferred_message_keeps_its_attempts_and_comes_back_when_due()
    {
        var store = _host.Services.GetRequiredService<IOutboxStore>();
        Assert.IsType<PostgresOutboxStore>(store);
        Assert.True(await store.EnqueueAsync(new OutboxMessage("defer-1", "test-topic-defer", """{"n":1}""", DateTimeOffset.UtcNow)));

        var first = Assert.Single(await store.ClaimDueAsync(50, TimeSpan.FromMinutes(5)), m => m.Message.IdempotencyKey == "defer-1");
        Assert.Equal(1, first.Attempts);
        await store.DeferAsync(first.Id, "no webhook URL", DateTimeOffset.UtcNow.AddSeconds(-1));

        var again = Assert.Single(await store.ClaimDueAsync(50, TimeSpan.FromMinutes(5)), m => m.Message.IdempotencyKey == "defer-1");
        Assert.Equal(1, again.Attempts);
        Assert.Equal("no webhook URL", await _database.ScalarAsync<string>("SELECT last_error FROM outbox WHERE idempotency_key = 'defer-1'"));
    }
}
