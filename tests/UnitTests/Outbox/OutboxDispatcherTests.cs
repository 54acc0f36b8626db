using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Outbox;
using Tracking.UnitTests.Infrastructure;

namespace Tracking.UnitTests.Outbox;

public sealed class OutboxDispatcherTests
{
    [Fact]
    public async Task A_topic_without_a_webhook_url_is_warned_about_once_and_its_messages_keep_waiting()
    {
        var time = new ShiftableTime();
        var store = new MemoryOutboxStore(time);
        foreach (var key in new[] { "refund-1", "refund-2", "refund-3" })
        {
            await store.EnqueueAsync(new OutboxMessage(key, "refund-due", "{}", time.GetUtcNow()));
        }

        await store.EnqueueAsync(new OutboxMessage("closed-1", "rma-closed", "{}", time.GetUtcNow()));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var log = new RecordingLogger<OutboxDispatcher>();
        var options = Options.Create(new WebhookOptions { PollInterval = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMinutes(10) });
        using var dispatcher = new OutboxDispatcher(store, options, time, services.GetRequiredService<IMeterFactory>(), log);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            await WaitForAsync(() => NoUrlEntries(log).Count == 4);

            // Their next look is MaxBackoff away: they wait, and the second look warns no more.
            time.Offset = TimeSpan.FromMinutes(11);
            await WaitForAsync(() => NoUrlEntries(log).Count == 8);
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }

        var entries = NoUrlEntries(log);
        var warnings = entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, m => m.Contains("topic refund-due; message refund-1", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("topic rma-closed; message closed-1", StringComparison.Ordinal));
        Assert.All(entries.Where(e => e.Level != LogLevel.Warning), e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Equal(2, entries.Count(e => e.Message.Contains("refund-1", StringComparison.Ordinal)));

        // Looked at twice but never sent: once a URL is configured, each still has every delivery attempt (the claim
        // below counts as the first).
        time.Offset = TimeSpan.FromMinutes(30);
        var claimed = await store.ClaimDueAsync(10, TimeSpan.FromSeconds(30));
        Assert.Equal(4, claimed.Count);
        Assert.All(claimed, m => Assert.Equal(1, m.Attempts));
    }

    [Fact]
    public async Task A_message_its_url_cannot_carry_is_parked_after_one_attempt_instead_of_being_claimed_forever()
    {
        var time = new ShiftableTime();
        var store = new MemoryOutboxStore(time);
        await store.EnqueueAsync(new OutboxMessage("refund-9", "refund-due", "{}", time.GetUtcNow()));
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        // The silo refuses such a URL at start (WebhookOptionsValidator); the dispatcher must not loop on one either.
        var options = Options.Create(new WebhookOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(20),
            Urls = new(StringComparer.OrdinalIgnoreCase) { ["refund-due"] = "ftp://127.0.0.1/refunds" },
        });
        using var dispatcher = new OutboxDispatcher(store, options, time, services.GetRequiredService<IMeterFactory>(), new RecordingLogger<OutboxDispatcher>());
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await store.ListParkedAsync(10)).Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the message was not parked within 10 s");
                await Task.Delay(10);
            }
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }

        var parked = Assert.Single(await store.ListParkedAsync(10));
        Assert.Equal(("refund-9", 1), (parked.IdempotencyKey, parked.Attempts));
        Assert.StartsWith("NotSupportedException", parked.LastError, StringComparison.Ordinal);
        Assert.Empty(await store.ClaimDueAsync(10, TimeSpan.FromSeconds(30)));

        Assert.True(await store.RequeueAsync(parked.Id));
        Assert.Equal(1, Assert.Single(await store.ClaimDueAsync(10, TimeSpan.FromSeconds(30))).Attempts);
    }

    private static List<(LogLevel Level, string Message, Exception? Exception)> NoUrlEntries(RecordingLogger log) =>
        [.. log.Entries.Where(e => e.Message.StartsWith("No webhook URL", StringComparison.Ordinal))];

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the dispatcher did not get there within 10 s");
            await Task.Delay(10);
        }
    }

    /// <summary>The system clock moved on by <see cref="Offset"/>; timers stay the system's.</summary>
    private sealed class ShiftableTime : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
