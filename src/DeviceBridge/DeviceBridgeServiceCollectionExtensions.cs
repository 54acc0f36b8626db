using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.DeadLetters;
using Tracking.DeviceBridge.Ingest;
using Tracking.DeviceBridge.Mqtt;
using Tracking.DeviceBridge.Simulator;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge;

public static class DeviceBridgeServiceCollectionExtensions
{
    /// <summary>
    /// The device side of the silo: embedded broker (Tracking:Mqtt:Mode=Embedded), the MQTT bridge client, the lanes
    /// that feed gate and AGV grains, the order publisher, the dead-letter log, the broker health check ("ready") and
    /// the simulator (Tracking:Simulator:Enabled; unset, on in the demo only: <see cref="SimulatorSwitch"/>).
    /// </summary>
    public static IServiceCollection AddDeviceBridge(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddOptions<RfidGateOptions>().Bind(configuration.GetSection(RfidGateOptions.Section))
            .Validate(o => o.ObservationAttempts >= 1, $"{RfidGateOptions.Section}:{nameof(RfidGateOptions.ObservationAttempts)} must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<TransportOptions>().Bind(configuration.GetSection(TransportOptions.Section));
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section));

        var mqtt = configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        services.AddSingleton(sp => BridgeCredentials.From(sp.GetRequiredService<IOptions<MqttOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            return new BrokerAccessPolicy(o.RfidTopicPrefix, o.AgvTopicPrefix);
        });
        services.AddSingleton<IDeadLetterLog, DeadLetterLog>();
        services.AddSingleton<DeviceMessageRouter>();
        services.AddMetrics();
        services.AddSingleton<DeviceLanes>();

        if (mqtt.Mode == MqttMode.Embedded)
        {
            services.AddSingleton(sp => new DeviceRegistry(
                sp.GetRequiredService<SiteCatalog>(), sp.GetRequiredService<IOptions<MqttOptions>>().Value, sp.GetRequiredService<BridgeCredentials>()));
            services.AddSingleton<EmbeddedMqttBroker>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        }

        services.AddSingleton<MqttBridgeClient>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttBridgeClient>());
        services.AddHostedService<DeviceMessageProcessor>();
        services.AddHostedService<DeviceWatchdog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAgvOrderSender, VdaOrderPublisher>();

        if (SimulatorSwitch.DevicesEnabled(configuration))
        {
            services.AddHostedService<DeviceSimulator>();
        }

        if (SimulatorSwitch.FloorCrewEnabled(configuration))
        {
            services.AddHostedService<SimulatedFloorCrew>();
        }

        services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        return services;
    }
}
