using System.Diagnostics;
using System.Text;
using Tracking.Bench.Infrastructure;
using Tracking.IntegrationTests.Devices;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>The benchmark's simulated devices in a process of their own, against the real test broker.</summary>
[Collection(nameof(QuickBenchCollection))]
public sealed class PublisherProcessTests
{
    [Fact]
    public async Task Every_loaded_message_reaches_the_broker_in_each_devices_order_and_is_counted_once()
    {
        var prefix = $"bench-test/{Guid.NewGuid():N}";
        await using var watcher = await TestDevice.ConnectAsync(TestEnvironment.MqttPort);
        await watcher.SubscribeAsync($"{prefix}/#");
        var messages = Enumerable.Range(0, 600)
            .Select(i => new OutgoingMessage($"dev-{i % 3}", $"{prefix}/dev-{i % 3}", Encoding.UTF8.GetBytes($"{i}"), Reads: 2))
            .ToList();

        await using var publishers = await PublisherProcess.StartAsync("127.0.0.1", TestEnvironment.MqttPort, ["dev-0", "dev-1", "dev-2"]);
        await publishers.LoadAsync(messages);
        var outcome = await publishers.RunLoadedAsync(0, TimeSpan.FromSeconds(60));

        Assert.Equal(600, outcome.Messages);
        Assert.Equal(600, outcome.Acked);
        Assert.Equal(0, outcome.Failed);
        Assert.Equal(1200, outcome.ReadsAcked);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (watcher.Received.Count < 600 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        for (var device = 0; device < 3; device++)
        {
            var expected = messages.Where(m => m.Device == $"dev-{device}").Select(m => Encoding.UTF8.GetString(m.Payload));
            Assert.Equal(expected, watcher.ReceivedOn($"{prefix}/dev-{device}"));
        }
    }

    [Fact]
    public async Task A_timed_run_gives_each_message_its_publish_time_on_this_process_clock()
    {
        var prefix = $"bench-test/{Guid.NewGuid():N}";
        var messages = Enumerable.Range(0, 200)
            .Select(i => new OutgoingMessage($"dev-{i % 2}", $"{prefix}/dev-{i % 2}", Encoding.UTF8.GetBytes($"{i}"), Reads: 1))
            .ToList();
        await using var publishers = await PublisherProcess.StartAsync("127.0.0.1", TestEnvironment.MqttPort, ["dev-0", "dev-1"]);
        await publishers.LoadAsync(messages);

        var before = Stopwatch.GetTimestamp();
        var (outcome, publishedAt) = await publishers.RunLoadedTimedAsync(1000, TimeSpan.FromSeconds(30));
        var after = Stopwatch.GetTimestamp();

        Assert.Equal(200, outcome.Acked);
        Assert.Equal(200, publishedAt.Length);
        Assert.All(publishedAt, at => Assert.InRange(at, before, after));
        // Paced at 1,000 msgs/s in order: each message leaves no earlier than the one before it.
        Assert.Equal(publishedAt.Order(), publishedAt);
        Assert.True(Stopwatch.GetElapsedTime(publishedAt[0], publishedAt[^1]) >= TimeSpan.FromMilliseconds(150), "the pacing was not kept");
    }

    [Fact]
    public async Task A_broker_that_is_not_there_is_a_clear_error_not_a_hang()
    {
        var closedPort = TestEnvironment.FreeTcpPort();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PublisherProcess.StartAsync("127.0.0.1", closedPort, ["dev-0"]));

        Assert.Contains("ended before answering 'ready'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Its error output", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_file_gives_back_what_was_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tracking-message-file-{Guid.NewGuid():N}.bin");
        OutgoingMessage[] written =
        [
            new("GATE-IN", "tracking/rfid/GATE-IN", [1, 2, 3], 1),
            new("GATE-INSP", "tracking/rfid/GATE-INSP", [], 0),
            new("GATE-IN", "tracking/rfid/GATE-IN", Encoding.UTF8.GetBytes("{\"idHex\":\"e2\"}"), 100),
        ];
        try
        {
            MessageFile.Write(path, written);
            var read = MessageFile.Read(path);

            Assert.Equal(written.Select(m => (m.Device, m.Topic, m.Reads)), read.Select(m => (m.Device, m.Topic, m.Reads)));
            Assert.Equal(written.Select(m => m.Payload), read.Select(m => m.Payload));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
