using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>Ready when the bridge is connected to its broker (and, in embedded mode, the broker runs).</summary>
public sealed class BrokerHealthCheck(MqttBridgeClient client, IOptions<MqttOptions> options, IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        if (o.Mode == MqttMode.Embedded && services.GetService(typeof(EmbeddedMqttBroker)) is EmbeddedMqttBroker { IsRunning: false })
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"embedded MQTT broker on 127.0.0.1:{o.Port} is not running"));
        }

        return Task.FromResult(client.IsConnected
            ? HealthCheckResult.Healthy($"connected to {o.Mode} broker {o.Host}:{o.Port} as {client.ClientId}")
            : HealthCheckResult.Unhealthy($"not connected to {o.Mode} broker {o.Host}:{o.Port}"));
    }
}
