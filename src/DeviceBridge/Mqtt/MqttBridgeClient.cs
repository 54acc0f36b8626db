using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.Ingest;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// The bridge's MQTT 5 connection. Persistent session (clean start off, session expiry) so QoS 1 device messages wait at
/// the broker while the bridge is away; reconnects with exponential backoff and resubscribes each time; subscribes
/// through a shared subscription group so several silos split the device traffic. The receive handler only parses
/// and hands off to <see cref="DeviceLanes"/>: it never waits for a grain.
/// </summary>
public sealed partial class MqttBridgeClient : BackgroundService
{
    private readonly MqttOptions _options;
    private readonly BridgeCredentials _credentials;
    private readonly DeviceMessageRouter _router;
    private readonly DeviceLanes _lanes;
    private readonly ILogger<MqttBridgeClient> _logger;
    private readonly IMqttClient _client;
    private readonly string _clientId;
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private CancellationToken _stopping;

    public MqttBridgeClient(
        IOptions<MqttOptions> options,
        BridgeCredentials credentials,
        DeviceMessageRouter router,
        DeviceLanes lanes,
        IConfiguration configuration,
        ILogger<MqttBridgeClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        _options = options.Value;
        _credentials = credentials;
        _router = router;
        _lanes = lanes;
        _logger = logger;
        _clientId = string.IsNullOrWhiteSpace(_options.ClientId)
            ? $"tracking-{Environment.MachineName}-{configuration["Tracking:Cluster:SiloPort"] ?? "11111"}"
            : _options.ClientId;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>
    /// The embedded MQTTnet broker does not implement shared subscriptions, and each silo in embedded mode has its
    /// own broker anyway, so the group applies to external brokers only.
    /// </summary>
    public string? SharedGroup => _options.Mode == MqttMode.External && !string.IsNullOrEmpty(_options.SharedSubscriptionGroup) ? _options.SharedSubscriptionGroup : null;

    public string ClientId => _clientId;

    /// <summary>Publishes (orders, QoS 1). Throws when the broker is not connected: callers retry.</summary>
    public async Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new InvalidOperationException($"Not connected to the MQTT broker at {_options.Host}:{_options.Port}.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the publish to {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_client.IsConnected)
        {
            try
            {
                // Keep the session: queued messages wait for this silo (or its group) at the broker.
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogDisconnectFailed(_logger, ex);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        _disconnected.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var result = await _client.ConnectAsync(BuildOptions(), stoppingToken);
                await SubscribeAsync(stoppingToken);
                LogConnected(_logger, _options.Host, _options.Port, _clientId, result.IsSessionPresent, SharedGroup ?? "(none)");
                failures = 0;
                await _disconnected.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = Backoff(failures);
                if (failures <= 3 || failures % 20 == 0)
                {
                    LogConnectFailed(_logger, _options.Host, _options.Port, failures, delay.TotalMilliseconds, ex.Message);
                }

                try
                {
                    if (_client.IsConnected)
                    {
                        await _client.DisconnectAsync(new MqttClientDisconnectOptions(), stoppingToken);
                    }

                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var max = TimeSpan.FromSeconds(Math.Max(0.2, _options.ReconnectMaxDelaySeconds));
        var baseMs = Math.Min(max.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromMilliseconds(baseMs * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private MqttClientOptions BuildOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_clientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(_options.SessionExpirySeconds)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithReceiveMaximum(1000);
        if (_credentials.Username is not null)
        {
            builder = builder.WithCredentials(_credentials.Username, _credentials.Password);
        }

        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(t => t.UseTls().WithAllowUntrustedCertificates(_options.AllowUntrustedCertificates)
                .WithIgnoreCertificateChainErrors(_options.AllowUntrustedCertificates)
                .WithCertificateValidationHandler(_options.AllowUntrustedCertificates ? _ => true : null!));
        }

        return builder.Build();
    }

    /// <summary>Every (re)connect subscribes again: a broker that lost the session (restart without persistence) still delivers.</summary>
    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var share = SharedGroup is { } group ? $"$share/{group}/" : "";
        var filters = new List<string> { $"{_options.RfidTopicPrefix}/#" };
        filters.AddRange(VdaTopics.FromAgv.Select(t => $"{_options.AgvTopicPrefix}/+/+/{t}"));
        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            builder = builder.WithTopicFilter(f => f.WithTopic(share + filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        var result = await _client.SubscribeAsync(builder.Build(), cancellationToken);
        var refused = result.Items.Where(i => (int)i.ResultCode > 2).Select(i => $"{i.TopicFilter.Topic}: {i.ResultCode}").ToArray();
        if (refused.Length > 0)
        {
            throw new InvalidOperationException($"The broker refused subscriptions: {string.Join(", ", refused)}");
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        DeviceMessage? routed;
        try
        {
            routed = _router.Route(message.Topic, message.Payload);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A parser bug must not kill the connection: log it and move on (the message is lost, loudly).
            LogRouteFailed(_logger, ex, message.Topic);
            return;
        }

        if (routed is not null)
        {
            // Waits only when the lane is full: that is the back-pressure.
            await _lanes.WriteAsync(routed, _stopping);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected && !_stopping.IsCancellationRequested)
        {
            LogDisconnected(_logger, e.Reason.ToString(), e.Exception?.Message ?? "");
        }

        if (e.ClientWasConnected && _disconnected.CurrentCount == 0)
        {
            try
            {
                _disconnected.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled: the connect loop wakes up once either way.
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT bridge connected to {Host}:{Port} as {ClientId} (session present: {SessionPresent}, shared group: {Group})")]
    private static partial void LogConnected(ILogger logger, string host, int port, string clientId, bool sessionPresent, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT bridge cannot reach {Host}:{Port} (attempt {Attempt}, next in {DelayMs:0} ms): {Error}")]
    private static partial void LogConnectFailed(ILogger logger, string host, int port, int attempt, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT bridge disconnected ({Reason}) {Error}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string reason, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing a message on {Topic} failed unexpectedly")]
    private static partial void LogRouteFailed(ILogger logger, Exception ex, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT bridge disconnect on shutdown failed")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception ex);
}
