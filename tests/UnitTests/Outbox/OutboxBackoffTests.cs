using Tracking.Grains.Outbox;

namespace Tracking.UnitTests.Outbox;

public sealed class OutboxBackoffTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(8, 256)]
    [InlineData(9, 300)]
    [InlineData(1000, 300)]
    public void The_delay_doubles_per_attempt_up_to_the_cap(int attempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), OutboxBackoff.After(attempts, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5)));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(409, true)]
    [InlineData(425, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(422, false)]
    public void Only_server_errors_timeouts_throttling_and_a_receiver_busy_with_the_key_are_retried(int status, bool transient)
    {
        Assert.Equal(transient, OutboxBackoff.IsTransient(status));
    }
}
