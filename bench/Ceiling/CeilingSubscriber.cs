using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Common;

namespace Tracking.Bench.Ceiling;

/// <summary>
/// The bare ceiling's consumer, shaped like the device bridge minus the work: a QoS 1 subscription whose receive
/// handler only hands the message to a bounded channel, and a loop that drains it in rounds and calls a noop grain
/// per message (one grain per device). Whatever this reaches is what MQTT + Orleans allow on this machine.
/// </summary>
public sealed class CeilingSubscriber : IAsyncDisposable
{
    public const string TopicPrefix = "bench/ceiling";

    private readonly IMqttClient _client;
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CeilingSubscriber(IMqttClient client, IGrainFactory grains)
    {
        _client = client;
        _client.ApplicationMessageReceivedAsync += e => _channel.Writer.WriteAsync(DeviceOf(e.ApplicationMessage.Topic), _stop.Token).AsTask();
        _loop = Task.Run(() => DrainAsync(grains));
    }

    public static async Task<CeilingSubscriber> StartAsync(string host, int port, int socketBufferBytes, IGrainFactory grains)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var subscriber = new CeilingSubscriber(client, grains);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"bench-ceiling-{Guid.NewGuid():N}"[..36])
            .WithCleanStart(true)
            .WithReceiveMaximum(1000)
            .Build();
        // The same connection as the device bridge's, so the ceiling and the pipeline receive alike.
        ((MqttClientTcpOptions)options.ChannelOptions).StreamProvider = new BrokerStreamProvider(socketBufferBytes);
        await client.ConnectAsync(options);
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(f => f.WithTopic($"{TopicPrefix}/#").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
            .Build());
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
        _channel.Writer.TryComplete();
        await _stop.CancelAsync();
        try
        {
#pragma warning disable VSTHRD003 // The drain loop was started by this object.
            await _loop;
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            // Stopped while draining.
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private static string DeviceOf(string topic) => topic[(TopicPrefix.Length + 1)..];

    private async Task DrainAsync(IGrainFactory grains)
    {
        var round = new List<Task>(2000);
        while (await _channel.Reader.WaitToReadAsync(_stop.Token))
        {
            round.Clear();
            while (round.Count < 2000 && _channel.Reader.TryRead(out var device))
            {
                round.Add(grains.Reference<INoopGrain>(device).AcceptAsync(1));
            }

            await Task.WhenAll(round);
        }
    }
}
