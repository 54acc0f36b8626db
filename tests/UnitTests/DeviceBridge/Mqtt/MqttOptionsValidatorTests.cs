using Tracking.DeviceBridge.Mqtt;

namespace Tracking.UnitTests.DeviceBridge.Mqtt;

public sealed class MqttOptionsValidatorTests
{
    [Fact]
    public void The_default_options_are_valid()
    {
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65536)]
    public void A_receive_maximum_outside_what_MQTT_5_allows_is_rejected_with_the_setting_named(int receiveMaximum)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { ReceiveMaximum = receiveMaximum });

        Assert.True(result.Failed);
        Assert.Contains("Tracking:Mqtt:ReceiveMaximum", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_larger_receive_maximum_lets_more_messages_be_processed_at_once()
    {
        Assert.True(new MqttOptionsValidator().Validate(null, new MqttOptions { ReceiveMaximum = 5000 }).Succeeded);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(64 * 1024 * 1024 + 1)]
    public void A_socket_buffer_outside_4_KiB_to_64_MiB_is_rejected_with_the_setting_named(int bytes)
    {
        var result = new MqttOptionsValidator().Validate(null, new MqttOptions { SocketBufferBytes = bytes });

        Assert.True(result.Failed);
        Assert.Contains("Tracking:Mqtt:SocketBufferBytes", result.FailureMessage, StringComparison.Ordinal);
    }
}
