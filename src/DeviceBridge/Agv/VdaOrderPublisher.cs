using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Agv;

/// <summary>Publishes VDA 5050 orders (QoS 1, not retained) with a per-AGV headerId that counts up with each message sent.</summary>
public sealed class VdaOrderPublisher(MqttBridgeClient client, IOptions<MqttOptions> options, TimeProvider time) : IAgvOrderSender
{
    private readonly VdaHeaderIds _headerIds = new(time);

    public async Task SendOrderAsync(string manufacturer, string serialNumber, AgvOrder order, CancellationToken cancellationToken = default)
    {
        var topic = VdaTopics.For(options.Value.AgvTopicPrefix, manufacturer, serialNumber, VdaTopics.Order);
        var headerId = _headerIds.Next(topic);
        var message = VdaOrderBuilder.Build(manufacturer, serialNumber, order, headerId, DateTimeOffset.UtcNow);
        await client.PublishAsync(topic, VdaOrderBuilder.Serialize(message), MqttQualityOfServiceLevel.AtLeastOnce, retain: false, cancellationToken);
    }
}
