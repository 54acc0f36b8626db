using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// The in-process MQTTnet broker of the default run. Listens on loopback only (IPv6 only when asked), enforces device
/// credentials and topic authorization in code (<see cref="BrokerAccessPolicy"/>) and gives MQTT 5 clients with an
/// empty client id one of their own (MQTTnet would otherwise refuse them).
/// </summary>
public sealed partial class EmbeddedMqttBroker(
    IOptions<MqttOptions> options,
    DeviceRegistry registry,
    BrokerAccessPolicy policy,
    ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    // Who first used each client id. Sessions outlive connections (persistent sessions): a device that connected with
    // another's client id would inherit that session's subscriptions and queued messages, even the bridge's, so a client
    // id stays with its first identity for the broker's life. A connection is only accepted for that identity, so this is
    // also who every connected client is (not the session's items, which a reused session would bring back).
    private readonly ConcurrentDictionary<string, DeviceIdentity> _sessionOwners = new(StringComparer.Ordinal);
    private MqttServer? _server;

    public bool IsRunning => _server?.IsStarted == true;

    public int Port => options.Value.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var address = o.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(o.Host);
        var builder = new MqttServerFactory().CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(o.Port)
            .WithDefaultEndpointBoundIPAddress(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? address : IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(o.EnableIPv6 ? IPAddress.IPv6Loopback : IPAddress.None)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(100_000);
        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        _server.InterceptingClientEnqueueAsync += InterceptEnqueueAsync;
        await _server.StartAsync();
        LogStarted(logger, o.Port, o.EnableIPv6 ? " and [::1]" : "");
        if (registry.AllowAnonymous)
        {
            LogAnonymous(logger);
        }

        foreach (var user in registry.UnknownCredentialUsers)
        {
            LogUnknownCredential(logger, user);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync(new MqttServerStopOptions());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await StopAsync(CancellationToken.None);
            _server.Dispose();
            _server = null;
        }
    }

    private Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            if (e.ProtocolVersion != MqttProtocolVersion.V500)
            {
                // MQTT 3.1.1 lets a server refuse an empty id; only MQTT 5 can carry an assigned one back.
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                return Task.CompletedTask;
            }

            e.AssignedClientIdentifier = $"auto-{Guid.NewGuid():N}";
        }

        var identity = registry.Authenticate(e.UserName, e.Password);
        if (identity is null)
        {
            LogRefused(logger, e.UserName ?? "(anonymous)", e.ClientId ?? e.AssignedClientIdentifier ?? "");
            e.ReasonCode = string.IsNullOrEmpty(e.UserName) ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
            return Task.CompletedTask;
        }

        var clientId = string.IsNullOrEmpty(e.ClientId) ? e.AssignedClientIdentifier : e.ClientId;
        var owner = _sessionOwners.GetOrAdd(clientId, identity);
        if (owner != identity)
        {
            LogClientIdTaken(logger, identity.Id, clientId, owner.Id);
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            return Task.CompletedTask;
        }

        return Task.CompletedTask;
    }

    private DeviceIdentity? IdentityOf(string clientId) => _sessionOwners.GetValueOrDefault(clientId);

    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        var identity = IdentityOf(e.ClientId);
        if (identity is null || !policy.CanPublish(identity, e.ApplicationMessage.Topic))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogPublishDenied(logger, identity?.Id ?? "?", e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A message reaches a session only if its owner may read the topic: checked at delivery too, not only when the
    /// subscription was made (defence in depth beside the client-id ownership above).
    /// </summary>
    private Task InterceptEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs e)
    {
        var owner = IdentityOf(e.ReceiverClientId);
        if (owner is null || !policy.CanSubscribe(owner, e.ApplicationMessage.Topic))
        {
            e.AcceptEnqueue = false;
            LogDeliveryDenied(logger, owner?.Id ?? "?", e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        var identity = IdentityOf(e.ClientId);
        if (identity is null || !policy.CanSubscribe(identity, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            LogSubscribeDenied(logger, identity?.Id ?? "?", e.TopicFilter.Topic);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on 127.0.0.1:{Port}{Also} (loopback only)")]
    private static partial void LogStarted(ILogger logger, int port, string also);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded MQTT broker ACCEPTS ANONYMOUS DEVICES (Tracking:Mqtt:AllowAnonymousDevices=true): fine for the loopback demo, not for real devices. Configure Tracking:Mqtt:DeviceCredentials and set it to false.")]
    private static partial void LogAnonymous(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tracking:Mqtt:DeviceCredentials names '{User}', which is no reader or AGV of the site: it cannot connect")]
    private static partial void LogUnknownCredential(ILogger logger, string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection refused for user {User} (client {ClientId}): bad or missing credentials")]
    private static partial void LogRefused(ILogger logger, string user, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection of {Identity} with client id {ClientId} refused: that client id and its session belong to {Owner}")]
    private static partial void LogClientIdTaken(ILogger logger, string identity, string clientId, string owner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT delivery to {Identity} of {Topic} refused: not its topic")]
    private static partial void LogDeliveryDenied(ILogger logger, string identity, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT publish by {Identity} to {Topic} refused: not its topic")]
    private static partial void LogPublishDenied(ILogger logger, string identity, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT subscription by {Identity} to {Topic} refused: not its topic")]
    private static partial void LogSubscribeDenied(ILogger logger, string identity, string topic);
}
