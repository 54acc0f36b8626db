using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>
/// Simulated devices for the demo and benchmarks. Each gate and AGV is its own MQTT client, with its own client id,
/// credentials (or anonymous on the demo broker) and, for AGVs, a CONNECTIONBROKEN last will: the bridge cannot tell
/// them from real devices.
/// </summary>
public sealed partial class DeviceSimulator(
    SiteCatalog catalog,
    IOptions<MqttOptions> mqttOptions,
    IOptions<SimulatorOptions> simulatorOptions,
    IHostApplicationLifetime lifetime,
    IGrainFactory grains,
    ILogger<DeviceSimulator> logger) : BackgroundService
{
    private readonly MqttOptions _mqtt = mqttOptions.Value;
    private readonly SimulatorOptions _options = simulatorOptions.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var seed = _options.Seed ?? Random.Shared.Next();
        LogStarting(logger, catalog.Warehouses.Sum(w => w.Layout.Readers.Count), catalog.Warehouses.Sum(w => w.Layout.Agvs.Count), seed);
        var tasks = new List<Task>();
        var index = 0;
        foreach (var warehouse in catalog.Warehouses)
        {
            tasks.Add(RunGatesAsync(warehouse, new Random(seed + index++), stoppingToken));
            foreach (var agv in warehouse.Layout.Agvs)
            {
                tasks.Add(RunAgvAsync(warehouse, agv, new Random(seed + index++), stoppingToken));
            }
        }

        await Task.WhenAll(tasks);
    }

    private async Task RunGatesAsync(WarehouseDefinition warehouse, Random random, CancellationToken stoppingToken)
    {
        var readers = warehouse.Layout.Readers;
        var clients = new Dictionary<string, IMqttClient>(StringComparer.Ordinal);
        var eventNums = new long[readers.Count];
        var seenAtDock = new List<string>();
        var serial = random.NextInt64(1, 1L << 30);
        var company = 614141 + (warehouse.Code.GetHashCode(StringComparison.Ordinal) & 0xFF);
        try
        {
            foreach (var reader in readers)
            {
                clients[reader.ReaderId] = await ConnectAsync($"sim-{reader.ReaderId}", reader.ReaderId, null, stoppingToken);
            }

            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) * _options.TagPassSeconds), stoppingToken);
                var gate = random.Next(readers.Count);
                if (seenAtDock.Count == 0)
                {
                    // Items come in through the inbound dock first; a tag never received would show up as unexpected.
                    gate = Math.Max(0, IndexOfDockIn(readers));
                }

                var reader = readers[gate];
                string epc;
                if (reader.Kind == GateKind.DockIn || seenAtDock.Count == 0)
                {
                    var itemReference = 812345 + random.Next(50);
                    epc = Sgtin96.Encode(company, itemReference, serial++);
                    seenAtDock.Add(epc);
                    await AuthorizeReturnAsync(warehouse, epc, itemReference, random);
                    if (seenAtDock.Count > 500)
                    {
                        seenAtDock.RemoveAt(0);
                    }
                }
                else
                {
                    epc = seenAtDock[random.Next(seenAtDock.Count)];
                }

                var format = gate % 2 == 0 ? RfidVendorFormat.Zebra : RfidVendorFormat.Impinj;
                await PassTagAsync(clients[reader.ReaderId], reader, epc, format, random, () => ref eventNums[gate], stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            LogDeviceFailed(logger, ex, $"gates of {warehouse.Code}");
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// What the web shop's return portal would do before the parcel arrives: authorize the return with the tag's EPC, so
    /// the dock gate receives an expected item. One in ten parcels comes without an RMA and is flagged unexpected.
    /// </summary>
    private async Task AuthorizeReturnAsync(WarehouseDefinition warehouse, string epc, int itemReference, Random random)
    {
        if (random.NextDouble() < 0.1)
        {
            return;
        }

        string[] reasons = [ReasonCodes.NotWanted, ReasonCodes.Defective, ReasonCodes.WrongItem, ReasonCodes.NotAsDescribed, ReasonCodes.SizeTooSmall];
        var channels = Enum.GetValues<RmaChannel>();
        try
        {
            await grains.Reference<IRmaGrain>($"SIM-{epc[^8..]}").CreateAsync(new CreateRma(
                $"SIM-ORDER-{epc[^6..]}",
                channels[random.Next(channels.Length)],
                warehouse.Region,
                warehouse.Code,
                random.NextDouble() < 0.5 ? RefundPolicy.OnReceipt : RefundPolicy.OnGrading,
                [new RmaLine($"SKU-{itemReference}", 1, reasons[random.Next(reasons.Length)], epc, 20m + random.Next(400))],
                Actor.User("sim-return-portal")));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The parcel still arrives; it is then flagged unexpected, which the demo shows too.
            LogDeviceFailed(logger, ex, $"simulated RMA for {epc}");
        }
    }

    private static int IndexOfDockIn(IReadOnlyList<ReaderDefinition> readers)
    {
        for (var i = 0; i < readers.Count; i++)
        {
            if (readers[i].Kind == GateKind.DockIn)
            {
                return i;
            }
        }

        return -1;
    }

    private delegate ref long EventCounter();

    /// <summary>A tag crossing a gate: many reads on several antennas, strongest on the one it passes closest to, with noise.</summary>
    private async Task PassTagAsync(IMqttClient client, ReaderDefinition reader, string epc, RfidVendorFormat format, Random random, EventCounter eventNum, CancellationToken ct)
    {
        var closest = reader.Antennas[random.Next(reader.Antennas.Count)].Port;
        var ticks = (int)Math.Max(1, _options.PassDurationSeconds * 10);
        var topic = $"{_mqtt.RfidTopicPrefix}/{reader.ReaderId}/events";
        for (var t = 0; t < ticks; t++)
        {
            var reads = new List<SimulatedRead>();
            var now = DateTimeOffset.UtcNow;
            foreach (var antenna in reader.Antennas)
            {
                var expected = _options.ReadsPerSecondPerAntenna * 0.1;
                var count = (int)expected + (random.NextDouble() < expected - (int)expected ? 1 : 0);
                var baseRssi = antenna.Port == closest ? -52.0 : -64.0 - (4 * Math.Abs(antenna.Port - closest));
                for (var i = 0; i < count; i++)
                {
                    reads.Add(new SimulatedRead(epc, antenna.Port, Math.Clamp(baseRssi + (Gaussian(random) * _options.RssiNoiseDb), -90, -20), now));
                }
            }

            if (reads.Count > 0 && client.IsConnected)
            {
                var payload = RfidPayloadWriter.Write(format, reader.ReaderId, reads, ref eventNum());
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);
            }

            await Task.Delay(100, ct);
        }
    }

    private async Task RunAgvAsync(WarehouseDefinition warehouse, AgvDefinition definition, Random random, CancellationToken stoppingToken)
    {
        var nodes = warehouse.Layout.AgvNodes.ToDictionary(n => n.NodeId, n => (n.X, n.Y), StringComparer.Ordinal);
        var agv = new SimulatedAgv(definition.Manufacturer, definition.SerialNumber, warehouse.Code, nodes, definition.HomeNode, _options, random);
        var prefix = _mqtt.AgvTopicPrefix;
        var connectionTopic = VdaTopics.For(prefix, agv.Manufacturer, agv.SerialNumber, VdaTopics.Connection);
        var stateTopic = VdaTopics.For(prefix, agv.Manufacturer, agv.SerialNumber, VdaTopics.State);
        var orderTopic = VdaTopics.For(prefix, agv.Manufacturer, agv.SerialNumber, VdaTopics.Order);
        long connectionHeader = 0;
        var gate = new Lock();
        IMqttClient? client = null;
        try
        {
            var will = ConnectionPayload(agv, connectionHeader++, "CONNECTIONBROKEN");
            client = await ConnectAsync($"sim-{definition.Manufacturer}-{definition.SerialNumber}", definition.AgvId, (connectionTopic, will), stoppingToken);
            client.ApplicationMessageReceivedAsync += e =>
            {
                try
                {
                    var reader = new Utf8JsonReader(e.ApplicationMessage.Payload);
                    var order = JsonSerializer.Deserialize(ref reader, VdaJsonContext.Default.VdaOrderJson);
                    if (order is not null)
                    {
                        lock (gate)
                        {
                            agv.Accept(order);
                        }
                    }
                }
                catch (JsonException ex)
                {
                    LogBadOrder(logger, definition.AgvId, ex.Message);
                }

                return Task.CompletedTask;
            };
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(orderTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
            await PublishAsync(client, connectionTopic, ConnectionPayload(agv, connectionHeader++, "ONLINE"), MqttQualityOfServiceLevel.AtLeastOnce, true, stoppingToken);

            var tick = TimeSpan.FromMilliseconds(100);
            var statePeriod = TimeSpan.FromSeconds(1 / Math.Clamp(_options.AgvStateHz, 1, 5));
            var sinceState = TimeSpan.Zero;
            using var timer = new PeriodicTimer(tick);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                byte[]? state = null;
                lock (gate)
                {
                    agv.Step(tick.TotalSeconds);
                    sinceState += tick;
                    if (sinceState >= statePeriod)
                    {
                        sinceState = TimeSpan.Zero;
                        state = JsonSerializer.SerializeToUtf8Bytes(agv.BuildState(DateTimeOffset.UtcNow), VdaJsonContext.Default.VdaStateJson);
                    }
                }

                if (state is not null && client.IsConnected)
                {
                    await PublishAsync(client, stateTopic, state, MqttQualityOfServiceLevel.AtMostOnce, false, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: say goodbye properly, as a real AGV shutting down would.
            if (client is { IsConnected: true })
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await PublishAsync(client, connectionTopic, ConnectionPayload(agv, connectionHeader, "OFFLINE"), MqttQualityOfServiceLevel.AtLeastOnce, true, cts.Token);
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException)
                {
                    LogDeviceFailed(logger, ex, definition.AgvId);
                }
            }
        }
        catch (Exception ex)
        {
            LogDeviceFailed(logger, ex, definition.AgvId);
        }
        finally
        {
            client?.Dispose();
        }
    }

    private static byte[] ConnectionPayload(SimulatedAgv agv, long headerId, string state) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new VdaConnectionJson
            {
                HeaderId = headerId,
                Timestamp = VdaOrderBuilder.FormatTimestamp(DateTimeOffset.UtcNow),
                Version = VdaOrderBuilder.ProtocolVersion,
                Manufacturer = agv.Manufacturer,
                SerialNumber = agv.SerialNumber,
                ConnectionState = state,
            },
            VdaJsonContext.Default.VdaConnectionJson);

    private static Task PublishAsync(IMqttClient client, string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build(), ct);

    private async Task<IMqttClient> ConnectAsync(string clientId, string deviceId, (string Topic, byte[] Payload)? will, CancellationToken ct)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_mqtt.Host, _mqtt.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(10));
        if (_options.Credentials.FirstOrDefault(c => c.Username == deviceId) is { } credential)
        {
            builder = builder.WithCredentials(credential.Username, credential.Password);
        }

        if (will is { } w)
        {
            builder = builder.WithWillTopic(w.Topic).WithWillPayload(w.Payload).WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithWillRetain(true);
        }

        var client = new MqttClientFactory().CreateMqttClient();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.ConnectAsync(builder.Build(), ct);
                return client;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempt)), ct);
            }
        }
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Device simulator: {Readers} RFID gates and {Agvs} AGVs connecting to the broker (seed {Seed})")]
    private static partial void LogStarting(ILogger logger, int readers, int agvs, int seed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated device {Device} stopped")]
    private static partial void LogDeviceFailed(ILogger logger, Exception ex, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated AGV {AgvId} got an unreadable order: {Error}")]
    private static partial void LogBadOrder(ILogger logger, string agvId, string error);
}
