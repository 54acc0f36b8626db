using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.DeadLetters;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.DeadLetters;

public sealed class DeadLetterLogTests
{
    private static DeadLetterLog Log(int capacity) =>
        new(Options.Create(new MqttOptions { DeadLetterCapacity = capacity }), NullLogger<DeadLetterLog>.Instance);

    private static DeadLetter Letter(int i, string reason) => new(DateTimeOffset.UtcNow, $"t/{i}", reason, "d", new string('x', 5000), 5000);

    [Fact]
    public void The_log_keeps_the_newest_letters_but_counts_them_all_per_reason()
    {
        var log = Log(10);
        for (var i = 0; i < 100; i++)
        {
            log.Add(Letter(i, i % 2 == 0 ? DeadLetterReasons.MalformedJson : DeadLetterReasons.UnknownReader));
        }

        var report = log.Snapshot(limit: 1000);
        Assert.Equal(100, report.Total);
        Assert.Equal(50, report.ByReason[DeadLetterReasons.MalformedJson]);
        Assert.Equal(10, report.Recent.Count);
        Assert.Equal("t/99", report.Recent[0].Topic);
        Assert.True(report.Recent[0].Payload.Length <= 1025);
    }

    [Fact]
    public void The_snapshot_filters_by_reason()
    {
        var log = Log(100);
        log.Add(Letter(1, DeadLetterReasons.MalformedJson));
        log.Add(Letter(2, DeadLetterReasons.UnknownReader));
        Assert.Equal("t/2", Assert.Single(log.Snapshot(DeadLetterReasons.UnknownReader).Recent).Topic);
    }
}
