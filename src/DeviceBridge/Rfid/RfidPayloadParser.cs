using System.Buffers;
using System.Text.Json;
using Tracking.DeviceBridge.Ingest;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Rfid;

/// <summary>
/// Turns one MQTT payload (a single event or a JSON array of events, Zebra or Impinj) into reads. A message with
/// any bad event is refused whole, so a reader's batch is never half applied.
/// </summary>
public static class RfidPayloadParser
{
    public const int MaxEventsPerMessage = 10_000;

    public static ParseResult<IReadOnlyList<RfidRead>> Parse(ReadOnlySequence<byte> payload) =>
        ZebraEventReader.TryRead(payload, out var reads) ? ParseResult<IReadOnlyList<RfidRead>>.Success(reads) : ParseWithSerializer(payload);

    /// <summary>The general path: every vendor and shape, and the precise reason when a payload is refused.</summary>
    internal static ParseResult<IReadOnlyList<RfidRead>> ParseWithSerializer(ReadOnlySequence<byte> payload)
    {
        RfidEventJson?[]? events;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read())
            {
                return Fail(DeadLetterReasons.MalformedJson, "empty payload");
            }

            if (reader.TokenType == JsonTokenType.StartArray)
            {
                events = JsonSerializer.Deserialize(ref reader, RfidJsonContext.Default.RfidEventJsonArray);
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                events = [JsonSerializer.Deserialize(ref reader, RfidJsonContext.Default.RfidEventJson)];
            }
            else
            {
                return Fail(DeadLetterReasons.MalformedJson, $"expected a JSON object or array, found {reader.TokenType}");
            }

            // Trailing garbage after the value makes the message malformed.
            if (reader.Read())
            {
                return Fail(DeadLetterReasons.MalformedJson, "unexpected data after the JSON value");
            }
        }
        catch (JsonException ex)
        {
            return Fail(JsonErrors.ReasonOf(ex), ex.Message);
        }

        if (events is null || events.Length == 0)
        {
            return Fail(DeadLetterReasons.MissingField, "no events in the message");
        }

        if (events.Length > MaxEventsPerMessage)
        {
            return Fail(DeadLetterReasons.PayloadTooLarge, $"{events.Length} events in one message (at most {MaxEventsPerMessage})");
        }

        var reads = new List<RfidRead>(events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            var e = events[i];
            if (e is null)
            {
                return Fail(DeadLetterReasons.InvalidValue, $"event [{i}] is null");
            }

            var (read, reason, detail) = e.TagInventoryEvent is not null || e.EventType is not null ? ParseImpinj(e) : ParseZebra(e);
            if (reason is not null)
            {
                return Fail(reason, events.Length == 1 ? detail! : $"event [{i}]: {detail}");
            }

            if (read is not null)
            {
                reads.Add(read);
            }
        }

        return ParseResult<IReadOnlyList<RfidRead>>.Success(reads);
    }

    private static (RfidRead? Read, string? Reason, string? Detail) ParseZebra(RfidEventJson e)
    {
        if (e.Data is null)
        {
            return (null, DeadLetterReasons.UnsupportedFormat, "neither a Zebra data event (data.idHex) nor an Impinj event (eventType)");
        }

        var d = e.Data;
        if (d.IdHex is null)
        {
            return Missing("data.idHex");
        }

        if (!Epc.TryNormalize(d.IdHex, out var epc))
        {
            return Invalid($"data.idHex '{Clip(d.IdHex)}' is not an even-length hex EPC of 8-64 digits");
        }

        if (d.Antenna is not { } antenna)
        {
            return Missing("data.antenna");
        }

        if (antenna is < 1 or > 256)
        {
            return Invalid($"data.antenna {antenna} is out of range 1-256");
        }

        if (d.PeakRssi is not { } rssi)
        {
            return Missing("data.peakRssi");
        }

        if (!ValidRssi(rssi))
        {
            return Invalid($"data.peakRssi {rssi} dBm is out of range -127..20");
        }

        if (e.Timestamp is null)
        {
            return Missing("timestamp");
        }

        if (!DeviceTimestamp.TryParse(e.Timestamp, out var at))
        {
            return Invalid($"timestamp '{Clip(e.Timestamp)}' is not an ISO 8601 time");
        }

        var count = d.Reads ?? 1;
        if (count is < 1 or > 100_000)
        {
            return Invalid($"data.reads {count} is out of range");
        }

        return (new RfidRead(epc, antenna, rssi, at, count), null, null);
    }

    private static (RfidRead? Read, string? Reason, string? Detail) ParseImpinj(RfidEventJson e)
    {
        if (!string.Equals(e.EventType, "tagInventory", StringComparison.Ordinal))
        {
            // Status events (inventoryStatus, antennaConnected, ...) are valid messages with no reads.
            return e.EventType is null ? Missing("eventType") : (null, null, null);
        }

        var t = e.TagInventoryEvent;
        if (t is null)
        {
            return Missing("tagInventoryEvent");
        }

        string epc;
        if (t.EpcHex is not null)
        {
            if (!Epc.TryNormalize(t.EpcHex, out epc))
            {
                return Invalid($"tagInventoryEvent.epcHex '{Clip(t.EpcHex)}' is not an even-length hex EPC of 8-64 digits");
            }
        }
        else if (t.Epc is not null)
        {
            if (!Epc.TryFromBase64(t.Epc, out epc))
            {
                return Invalid($"tagInventoryEvent.epc '{Clip(t.Epc)}' is not a base64 EPC");
            }
        }
        else
        {
            return Missing("tagInventoryEvent.epcHex");
        }

        if (t.AntennaPort is not { } antenna)
        {
            return Missing("tagInventoryEvent.antennaPort");
        }

        if (antenna is < 1 or > 256)
        {
            return Invalid($"tagInventoryEvent.antennaPort {antenna} is out of range 1-256");
        }

        if (t.PeakRssiCdbm is not { } cdbm)
        {
            return Missing("tagInventoryEvent.peakRssiCdbm");
        }

        var rssi = cdbm / 100.0;
        if (!ValidRssi(rssi))
        {
            return Invalid($"tagInventoryEvent.peakRssiCdbm {cdbm} is out of range");
        }

        var time = t.LastSeenTime ?? e.Timestamp;
        if (time is null)
        {
            return Missing("timestamp");
        }

        if (!DeviceTimestamp.TryParse(time, out var at))
        {
            return Invalid($"timestamp '{Clip(time)}' is not an ISO 8601 time");
        }

        return (new RfidRead(epc, antenna, rssi, at), null, null);
    }

    internal static bool ValidRssi(double rssi) => double.IsFinite(rssi) && rssi is >= -127 and <= 20;

    private static (RfidRead?, string?, string?) Missing(string field) => (null, DeadLetterReasons.MissingField, $"{field} is missing");

    private static (RfidRead?, string?, string?) Invalid(string detail) => (null, DeadLetterReasons.InvalidValue, detail);

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static ParseResult<IReadOnlyList<RfidRead>> Fail(string reason, string detail) => ParseResult<IReadOnlyList<RfidRead>>.Fail(reason, detail);
}
