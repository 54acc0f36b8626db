using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.Agv;
using Tracking.DeviceBridge.Mqtt;
using Tracking.DeviceBridge.Rfid;
using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// Topic → parser → validated message, or a dead letter. Runs on the MQTT receive path, so it only parses (no I/O).
/// </summary>
public sealed class DeviceMessageRouter(SiteCatalog catalog, IOptions<MqttOptions> options, IDeadLetterLog deadLetters)
{
    private static readonly Counter<long> Received = DeviceMetrics.Meter.CreateCounter<long>(
        "tracking.devices.messages", description: "Device messages received by the bridge, by kind");

    public DeviceMessage? Route(string topic, ReadOnlySequence<byte> payload)
    {
        var o = options.Value;
        if (payload.Length > o.MaxPayloadBytes)
        {
            return DeadLetter(topic, payload, DeadLetterReasons.PayloadTooLarge, $"{payload.Length} bytes is over Tracking:Mqtt:MaxPayloadBytes = {o.MaxPayloadBytes}");
        }

        if (IsUnder(topic, o.RfidTopicPrefix))
        {
            return RouteRfid(topic, topic.AsSpan(o.RfidTopicPrefix.Length + 1), payload);
        }

        if (IsUnder(topic, o.AgvTopicPrefix))
        {
            return RouteAgv(topic, topic[(o.AgvTopicPrefix.Length + 1)..], payload);
        }

        return DeadLetter(topic, payload, DeadLetterReasons.UnknownTopic, "not an RFID or VDA 5050 topic");
    }

    private static bool IsUnder(string topic, string prefix) =>
        topic.Length > prefix.Length && topic[prefix.Length] == '/' && topic.StartsWith(prefix, StringComparison.Ordinal);

    private DeviceMessage? RouteRfid(string topic, ReadOnlySpan<char> rest, ReadOnlySequence<byte> payload)
    {
        // {readerId}/events, read in place: this runs for every message a reader sends.
        var slash = rest.IndexOf('/');
        if (slash <= 0 || !rest[(slash + 1)..].SequenceEqual("events"))
        {
            return DeadLetter(topic, payload, DeadLetterReasons.UnknownTopic, $"RFID topics are {options.Value.RfidTopicPrefix}/{{readerId}}/events");
        }

        var readerId = rest[..slash];
        if (catalog.FindReader(readerId) is not { } found)
        {
            return DeadLetter(topic, payload, DeadLetterReasons.UnknownReader, $"reader '{readerId}' is not in the device registry");
        }

        var parsed = RfidPayloadParser.Parse(payload);
        if (!parsed.Ok)
        {
            return DeadLetter(topic, payload, parsed.Reason!, parsed.Detail!);
        }

        foreach (var read in parsed.Value!)
        {
            if (!HasAntenna(found.Reader, read.Antenna))
            {
                return DeadLetter(topic, payload, DeadLetterReasons.UnknownAntenna, $"reader {found.Reader.ReaderId} has no antenna {read.Antenna}");
            }
        }

        Received.Add(1, new KeyValuePair<string, object?>("kind", "rfid"));
        return parsed.Value!.Count == 0 ? null : new RfidMessage(found.Reader.ReaderId, parsed.Value!);
    }

    private static bool HasAntenna(ReaderDefinition reader, int port)
    {
        for (var i = 0; i < reader.Antennas.Count; i++)
        {
            if (reader.Antennas[i].Port == port)
            {
                return true;
            }
        }

        return false;
    }

    private DeviceMessage? RouteAgv(string topic, string rest, ReadOnlySequence<byte> payload)
    {
        var parts = rest.Split('/');
        if (parts.Length != 3 || !VdaTopics.FromAgv.Contains(parts[2]))
        {
            return DeadLetter(topic, payload, DeadLetterReasons.UnknownTopic, $"VDA 5050 topics are {options.Value.AgvTopicPrefix}/{{manufacturer}}/{{serialNumber}}/{{state|connection|factsheet|visualization}}");
        }

        if (catalog.FindAgv($"{parts[0]}/{parts[1]}") is not { } found)
        {
            return DeadLetter(topic, payload, DeadLetterReasons.UnknownAgv, $"AGV '{parts[0]}/{parts[1]}' is not in the device registry");
        }

        var agvId = found.Agv.AgvId;
        Received.Add(1, new KeyValuePair<string, object?>("kind", parts[2]));
        switch (parts[2])
        {
            case VdaTopics.State:
                var state = VdaParser.ParseState(payload, parts[0], parts[1]);
                return state.Ok ? new AgvStateMessage(agvId, state.Value!) : DeadLetter(topic, payload, state.Reason!, state.Detail!);
            case VdaTopics.Connection:
                if (payload.Length == 0)
                {
                    // An empty retained message clears the retained connection state: nothing to apply.
                    return null;
                }

                var connection = VdaParser.ParseConnection(payload, parts[0], parts[1]);
                return connection.Ok ? new AgvConnectionMessage(agvId, connection.Value!) : DeadLetter(topic, payload, connection.Reason!, connection.Detail!);
            default:
                // factsheet and visualization are accepted but not used yet.
                return null;
        }
    }

    private DeviceMessage? DeadLetter(string topic, ReadOnlySequence<byte> payload, string reason, string detail)
    {
        var sample = payload.Length > 1024 ? payload.Slice(0, 1024) : payload;
        deadLetters.Add(new DeadLetter(DateTimeOffset.UtcNow, topic, reason, detail, Encoding.UTF8.GetString(sample), (int)Math.Min(payload.Length, int.MaxValue)));
        return null;
    }
}
