using System.Diagnostics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.Silo.Hosting;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Simulated devices: one MQTT 5 connection per device, QoS 1, a bounded number of publishes in flight per connection
/// (as a reader's firmware would pipeline), paced to a target rate or as fast as the broker acknowledges.
/// A device's messages go out in order on its own connection.
/// </summary>
public sealed class DevicePublishers : IDevicePublishers
{
    private const int InFlightPerDevice = 200;

    private readonly Dictionary<string, (IMqttClient Client, SemaphoreSlim InFlight)> _devices;
    private IReadOnlyList<OutgoingMessage> _loaded = [];

    private DevicePublishers(Dictionary<string, (IMqttClient, SemaphoreSlim)> devices) => _devices = devices;

    public static async Task<DevicePublishers> ConnectAsync(string host, int port, IEnumerable<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var factory = new MqttClientFactory();
        var connected = new Dictionary<string, (IMqttClient, SemaphoreSlim)>(StringComparer.Ordinal);
        foreach (var device in devices.Distinct(StringComparer.Ordinal))
        {
            var client = factory.CreateMqttClient();
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithProtocolVersion(MqttProtocolVersion.V500)
                .WithClientId($"bench-{device}-{Guid.NewGuid():N}"[..40])
                .WithCleanStart(true)
                .WithTimeout(TimeSpan.FromSeconds(10))
                .Build();
            await client.ConnectAsync(options);
            connected[device] = (client, new SemaphoreSlim(InFlightPerDevice, InFlightPerDevice));
        }

        return new DevicePublishers(connected);
    }

    public string Describe => "in the benchmark's process";

    public int? ProcessId => null;

    /// <summary>The simulated devices a scenario uses: in a process of their own unless the settings say otherwise.</summary>
    public static async Task<IDevicePublishers> ForScenarioAsync(BenchSettings settings, IEnumerable<string> devices)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.PublishersInProcess
            ? await ConnectAsync(settings.MqttHost, settings.MqttPort, devices)
            : await PublisherProcess.StartAsync(settings.MqttHost, settings.MqttPort, devices);
    }

    public Task LoadAsync(IReadOnlyList<OutgoingMessage> messages)
    {
        _loaded = messages ?? throw new ArgumentNullException(nameof(messages));
        return Task.CompletedTask;
    }

    public Task<PublishOutcome> RunLoadedAsync(double perSecond, TimeSpan limit) => RunAsync(_loaded, perSecond, limit);

    public async Task<(PublishOutcome Outcome, long[] PublishedAt)> RunLoadedTimedAsync(double perSecond, TimeSpan limit)
    {
        var publishedAt = new long[_loaded.Count];
        var outcome = await RunAsync(_loaded, perSecond, limit, (i, at) => publishedAt[i] = at);
        return (outcome, publishedAt);
    }

    /// <summary>
    /// Publishes <paramref name="messages"/> in order at <paramref name="perSecond"/> messages per second (0 = as fast as
    /// acknowledgements allow), stopping early at <paramref name="limit"/>. <paramref name="onPublish"/> sees each message's
    /// index with its <see cref="Stopwatch"/> timestamp just before it is handed to the client.
    /// </summary>
    public async Task<PublishOutcome> RunAsync(IReadOnlyList<OutgoingMessage> messages, double perSecond, TimeSpan limit, Action<int, long>? onPublish = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long acked = 0, failed = 0, reads = 0, sent = 0;
        var clock = Stopwatch.StartNew();
        long lastAck = 0;
        for (var i = 0; i < messages.Count && clock.Elapsed < limit; i++)
        {
            if (perSecond > 0)
            {
                var due = TimeSpan.FromSeconds(i / perSecond);
                var ahead = due - clock.Elapsed;
                if (ahead > TimeSpan.FromMilliseconds(1))
                {
                    // .NET's own timers step in 4 ms on Linux: the publishers would send in bursts of 4 ms worth.
                    await Task.Delay(ahead, PreciseTimeProvider.Shared);
                }
            }

            var message = messages[i];
            var (client, inFlight) = _devices[message.Device];
            await inFlight.WaitAsync();
            onPublish?.Invoke(i, Stopwatch.GetTimestamp());
            sent++;
            _ = PublishOneAsync(client, inFlight, message);
        }

        // Every permit back means every publish has its acknowledgement (or its failure).
        foreach (var (_, inFlight) in _devices.Values)
        {
            for (var p = 0; p < InFlightPerDevice; p++)
            {
                await inFlight.WaitAsync();
            }

            inFlight.Release(InFlightPerDevice);
        }

        return new PublishOutcome(sent, acked, failed, reads, TimeSpan.FromTicks(Interlocked.Read(ref lastAck)));

        async Task PublishOneAsync(IMqttClient client, SemaphoreSlim inFlight, OutgoingMessage message)
        {
            try
            {
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
                    .WithTopic(message.Topic)
                    .WithPayload(message.Payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build());
                if (result.IsSuccess)
                {
                    Interlocked.Increment(ref acked);
                    Interlocked.Add(ref reads, message.Reads);
                    Interlocked.Exchange(ref lastAck, clock.Elapsed.Ticks);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, inFlight) in _devices.Values)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            }

            client.Dispose();
            inFlight.Dispose();
        }
    }
}
