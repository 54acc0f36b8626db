using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.Ingest;
using Tracking.Grains.Devices;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// The bridge's MQTT 5 connection. Persistent session (clean start off, session expiry) so QoS 1 device messages wait at
/// the broker while the bridge is away; reconnects with exponential backoff and resubscribes each time; subscribes
/// through a shared subscription group so several silos split the device traffic. The receive handler only parses
/// and hands off to <see cref="DeviceLanes"/>: it never waits for a grain, only for room when ReceiveMaximum messages
/// are already in hand (the connection's window, kept by <see cref="AckSequence{T}"/>). QoS 1 messages are acknowledged (PUBACK)
/// only after their grain call, in receive order (<see cref="AckSequence{T}"/>), by a separate sender: a crash or a
/// cut-short shutdown leaves them unacknowledged and the broker redelivers them to the next session with this
/// ClientId (docs/decisions/0008-device-bridge-acknowledgements.md).
/// </summary>
public sealed partial class MqttBridgeClient : BackgroundService
{
    private static readonly Counter<long> RedeliveryReconnects = Grains.Devices.DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.redelivery_reconnects", description: "Reconnects made so that the broker resends messages whose grain calls failed");

    private readonly MqttOptions _options;
    private readonly BridgeCredentials _credentials;
    private readonly DeviceMessageRouter _router;
    private readonly DeviceLanes _lanes;
    private readonly ILogger<MqttBridgeClient> _logger;
    private readonly IMqttClient _client;
    private readonly string _clientId;
    private readonly SemaphoreSlim _disconnected = new(0, 1);
    private readonly Channel<(AckSequence<MqttApplicationMessageReceivedEventArgs> Session, MqttApplicationMessageReceivedEventArgs Message)> _acksToSend =
        Channel.CreateUnbounded<(AckSequence<MqttApplicationMessageReceivedEventArgs>, MqttApplicationMessageReceivedEventArgs)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly CancellationTokenSource _ackAbort = new();
    private volatile AckSequence<MqttApplicationMessageReceivedEventArgs> _session;
    private Task _ackSender = Task.CompletedTask;
    private CancellationToken _stopping;
    private volatile bool _redelivering;
    private long _redeliveryReconnects;

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
        _session = NewSession();
        _session.Close();
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

    /// <summary>
    /// Publishes (orders, QoS 1). Throws <see cref="DeviceLinkUnavailableException"/> when the broker is not connected
    /// (nothing was sent): callers retry.
    /// </summary>
    public async Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            throw new DeviceLinkUnavailableException($"Not connected to the MQTT broker at {_options.Host}:{_options.Port}.");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .Build();
        MqttClientPublishResult result;
        try
        {
            result = await _client.PublishAsync(message, cancellationToken);
        }
        catch (MQTTnet.Exceptions.MqttClientNotConnectedException ex)
        {
            // The connection dropped between the check above and the send.
            throw new DeviceLinkUnavailableException($"Not connected to the MQTT broker at {_options.Host}:{_options.Port}.", ex);
        }

        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker refused the publish to {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>QoS 1 messages received on the current connection and not yet acknowledged or given up.</summary>
    public int Unacknowledged => _session.Pending;

    /// <summary>QoS 1 messages of the current connection taken in and not yet processed or given up (at most ReceiveMaximum).</summary>
    public int InProcess => _session.InProcess;

    /// <summary>Messages given up on the current connection (grain call failed): the broker resends them on the next one.</summary>
    public int Abandoned => _session.Abandoned;

    /// <summary>Times the bridge reconnected on purpose so the broker would resend abandoned messages.</summary>
    public long RedeliveryReconnectCount => Interlocked.Read(ref _redeliveryReconnects);

    /// <summary>
    /// Intake first (no new message is taken in; those arriving now stay unacknowledged), then the lanes drain into
    /// the grains and their acknowledgements go out, then the connection closes with the session kept. All of it
    /// bounded by the host's shutdown timeout.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _lanes.Complete();
        try
        {
            await _lanes.WaitDrainedAsync(cancellationToken);
            _acksToSend.Writer.TryComplete();
            await _ackSender.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time: unacknowledged messages are redelivered to the next session.
        }

        await _ackAbort.CancelAsync();
        if (_client.IsConnected)
        {
            try
            {
                // Keep the session: queued messages wait for this silo (or its group) at the broker.
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken);
            }
            catch (Exception ex)
            {
                // Out of time or the connection is gone: the broker keeps the session either way.
                LogDisconnectFailed(_logger, ex);
            }
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        _disconnected.Dispose();
        _ackAbort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _ackSender = Task.Run(SendAcknowledgementsAsync, CancellationToken.None);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A session may resend unacknowledged messages right after CONNACK: the sequence must exist first.
                _session = NewSession();

                // A signal left by an earlier connection (one that failed after connecting, e.g. a refused subscription)
                // must not end the wait on this one.
                while (await _disconnected.WaitAsync(0, stoppingToken))
                {
                }

                var result = await _client.ConnectAsync(BuildOptions(), stoppingToken);
                await SubscribeAsync(stoppingToken);
                LogConnected(_logger, _options.Host, _options.Port, _clientId, result.IsSessionPresent, SharedGroup ?? "(none)");
                failures = 0;
                await WaitWhileConnectedAsync(stoppingToken);
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

    /// <summary>
    /// Returns when the connection has dropped. A message whose grain call failed was left unacknowledged, and a broker
    /// resends such a message only on a new connection: once one has waited <see cref="MqttOptions.RedeliverAbandonedAfterSeconds"/>,
    /// the bridge disconnects on purpose (keeping its session) and the caller connects again, so it comes back instead
    /// of waiting for the next restart. Messages still in the lanes finish; their acknowledgements belong to the old
    /// connection and are dropped, so the broker resends those too (at-least-once; duplicates change nothing).
    /// </summary>
    private async Task WaitWhileConnectedAsync(CancellationToken stoppingToken)
    {
        var after = TimeSpan.FromSeconds(_options.RedeliverAbandonedAfterSeconds);
        if (after <= TimeSpan.Zero)
        {
            // Still connected after a signal: it was an older connection's, late (MQTTnet raises the event on another thread).
            do
            {
                await _disconnected.WaitAsync(stoppingToken);
            }
            while (_client.IsConnected);

            return;
        }

        var check = TimeSpan.FromSeconds(Math.Clamp(after.TotalSeconds / 4, 0.1, 5));
        while (!await _disconnected.WaitAsync(check, stoppingToken) || _client.IsConnected)
        {
            var session = _session;
            var waited = session.OldestAbandonedAge(Stopwatch.GetTimestamp());
            if (waited < after || !_client.IsConnected)
            {
                continue;
            }

            LogRedelivery(_logger, session.Abandoned, waited.TotalSeconds);
            RedeliveryReconnects.Add(1);
            Interlocked.Increment(ref _redeliveryReconnects);
            _redelivering = true;
            try
            {
                // The disconnected handler closes this connection's sequence and wakes the wait above.
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _redelivering = false;
                LogDisconnectFailed(_logger, ex);
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
            .WithReceiveMaximum((ushort)_options.ReceiveMaximum);
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

        var options = builder.Build();
        ((MqttClientTcpOptions)options.ChannelOptions).StreamProvider = new BrokerStreamProvider(_options.SocketBufferBytes);
        return options;
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

    private AckSequence<MqttApplicationMessageReceivedEventArgs> NewSession()
    {
        AckSequence<MqttApplicationMessageReceivedEventArgs>? session = null;
        session = new AckSequence<MqttApplicationMessageReceivedEventArgs>(m => _acksToSend.Writer.TryWrite((session!, m)), _options.ReceiveMaximum);
        return session;
    }

    /// <summary>One sender, so PUBACKs leave in the order the sequence released them; never on the receive path.</summary>
    private async Task SendAcknowledgementsAsync()
    {
        try
        {
            await foreach (var (session, message) in _acksToSend.Reader.ReadAllAsync(_ackAbort.Token))
            {
                if (!ReferenceEquals(session, _session) || !_client.IsConnected)
                {
                    // An older connection's packet identifier: the broker redelivers that message itself.
                    continue;
                }

                try
                {
                    await message.AcknowledgeAsync(_ackAbort.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogAckFailed(_logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (_ackAbort.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        e.AutoAcknowledge = false;
        if (_lanes.IsClosed)
        {
            // Shutting down: not taken in, not acknowledged; the broker keeps it for the next session.
            return;
        }

        IDeliveryReceipt? receipt = null;
        if (message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            // Never more than ReceiveMaximum messages in hand, whatever the broker sends (see AckSequence).
            receipt = await _session.RegisterAsync(e, _stopping);
            if (receipt is null)
            {
                // The connection is gone or the bridge stops: not taken in, not acknowledged; the broker resends it.
                return;
            }
        }

        DeviceMessage? routed;
        try
        {
            routed = _router.Route(message.Topic, message.Payload);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A parser bug must not kill the connection: log it and move on (the message is lost, loudly).
            LogRouteFailed(_logger, ex, message.Topic);
            receipt?.Processed();
            return;
        }

        if (routed is null)
        {
            // Dead-lettered or nothing to apply: handled.
            receipt?.Processed();
            return;
        }

        try
        {
            // Waits only when the lane is full: that is the back-pressure.
            await _lanes.WriteAsync(routed with { Receipt = receipt }, _stopping);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            // Intake closed while waiting for room: left for redelivery.
            receipt?.Abandoned();
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        // MQTTnet marks the client disconnected before it raises this event, on another thread: connected again by now
        // means the event belongs to an older connection, and closing the session or waking the loop would cut off the
        // new one.
        if (_client.IsConnected)
        {
            return Task.CompletedTask;
        }

        // Acknowledgements of this connection can no longer be sent; the broker resends those messages.
        _session.Close();
        if (e.ClientWasConnected && !_stopping.IsCancellationRequested && !_redelivering)
        {
            LogDisconnected(_logger, e.Reason.ToString(), e.Exception?.Message ?? "");
        }

        _redelivering = false;

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT bridge reconnects so that the broker resends {Count} message(s) whose grain calls failed (the first {Seconds:0.0} s ago)")]
    private static partial void LogRedelivery(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT bridge disconnected ({Reason}) {Error}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string reason, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing a message on {Topic} failed unexpectedly")]
    private static partial void LogRouteFailed(ILogger logger, Exception ex, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT acknowledgement not sent ({Error}); the broker redelivers the message")]
    private static partial void LogAckFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "MQTT bridge disconnect on shutdown failed")]
    private static partial void LogDisconnectFailed(ILogger logger, Exception ex);
}
