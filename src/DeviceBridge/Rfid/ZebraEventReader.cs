using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Rfid;

/// <summary>
/// The fast path for what readers send all day: well-formed Zebra data events, read straight off the bytes. The
/// serializer path allocated a read stack, two objects and five strings per event, about 9% of everything the
/// single-read benchmark allocated (docs/benchmarks.md); this keeps one string (the EPC) and the read.
/// It only ever says yes to a payload the serializer path accepts, with the same reads. Anything else (another vendor,
/// a wrong type, a missing or invalid field, escapes, non-ASCII names) is a "no", and the caller parses the payload
/// the general way, which also words the error.
/// </summary>
internal static class ZebraEventReader
{
    private const int MaxEpcDigits = 64;
    private const int MaxTimestampBytes = 40;

    public static bool TryRead(ReadOnlySequence<byte> payload, [NotNullWhen(true)] out List<RfidRead>? reads)
    {
        reads = null;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read())
            {
                return false;
            }

            var list = new List<RfidRead>(1);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                if (!TryReadEvent(ref reader, list))
                {
                    return false;
                }
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject || list.Count == RfidPayloadParser.MaxEventsPerMessage || !TryReadEvent(ref reader, list))
                    {
                        return false;
                    }
                }

                if (list.Count == 0)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }

            if (reader.Read())
            {
                return false;
            }

            reads = list;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads one event object (the reader is on its start) and adds its read; false on anything unusual.</summary>
    private static bool TryReadEvent(ref Utf8JsonReader reader, List<RfidRead> reads)
    {
        DateTimeOffset? at = null;
        ZebraData? data = null;
        Next next;
        while ((next = NextProperty(ref reader, out var name)) == Next.Value)
        {
            if (Ascii.EqualsIgnoreCase(name, "timestamp"u8))
            {
                if (!TryReadTimestamp(ref reader, out var parsed))
                {
                    return false;
                }

                at = parsed;
            }
            else if (Ascii.EqualsIgnoreCase(name, "data"u8))
            {
                if (reader.TokenType != JsonTokenType.StartObject || !TryReadData(ref reader, out var read))
                {
                    return false;
                }

                data = read;
            }
            else if (Ascii.EqualsIgnoreCase(name, "eventType"u8) || Ascii.EqualsIgnoreCase(name, "tagInventoryEvent"u8))
            {
                // Impinj: the general path reads it.
                return false;
            }
            else if (Ascii.EqualsIgnoreCase(name, "type"u8) || Ascii.EqualsIgnoreCase(name, "hostname"u8))
            {
                if (!IsTextOrNull(ref reader))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        if (next != Next.End || at is null || data is not { } d || d.Epc is null || d.Antenna is null || d.PeakRssi is null)
        {
            return false;
        }

        reads.Add(new RfidRead(d.Epc, d.Antenna.Value, d.PeakRssi.Value, at.Value, d.Reads));
        return true;
    }

    private static bool TryReadData(ref Utf8JsonReader reader, out ZebraData data)
    {
        data = new ZebraData(null, null, null, 1);
        Next next;
        while ((next = NextProperty(ref reader, out var name)) == Next.Value)
        {
            if (Ascii.EqualsIgnoreCase(name, "idHex"u8))
            {
                if (!TryReadEpc(ref reader, out var epc))
                {
                    return false;
                }

                data = data with { Epc = epc };
            }
            else if (Ascii.EqualsIgnoreCase(name, "antenna"u8))
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var antenna) || antenna is < 1 or > 256)
                {
                    return false;
                }

                data = data with { Antenna = antenna };
            }
            else if (Ascii.EqualsIgnoreCase(name, "peakRssi"u8))
            {
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var rssi) || !RfidPayloadParser.ValidRssi(rssi))
                {
                    return false;
                }

                data = data with { PeakRssi = rssi };
            }
            else if (Ascii.EqualsIgnoreCase(name, "reads"u8))
            {
                var count = 1;
                if (reader.TokenType != JsonTokenType.Null && (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out count) || count is < 1 or > 100_000))
                {
                    return false;
                }

                data = data with { Reads = count };
            }
            else if (Ascii.EqualsIgnoreCase(name, "eventNum"u8))
            {
                if (reader.TokenType != JsonTokenType.Null && (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out _)))
                {
                    return false;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "MAC"u8) || Ascii.EqualsIgnoreCase(name, "format"u8))
            {
                if (!IsTextOrNull(ref reader))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return next == Next.End;
    }

    /// <summary>An even number (8-64) of hex digits, upper-cased: what <see cref="Epc.TryNormalize"/> makes of it.</summary>
    private static bool TryReadEpc(ref Utf8JsonReader reader, out string? epc)
    {
        epc = null;
        if (reader.TokenType != JsonTokenType.String || !IsPlainValue(ref reader))
        {
            return false;
        }

        var hex = reader.ValueSpan;
        if (hex.Length is < 8 or > MaxEpcDigits || hex.Length % 2 != 0)
        {
            return false;
        }

        Span<char> upper = stackalloc char[MaxEpcDigits];
        for (var i = 0; i < hex.Length; i++)
        {
            var c = (char)hex[i];
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }

            upper[i] = char.ToUpperInvariant(c);
        }

        epc = new string(upper[..hex.Length]);
        return true;
    }

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, out DateTimeOffset at)
    {
        at = default;
        if (reader.TokenType != JsonTokenType.String || !IsPlainValue(ref reader) || reader.ValueSpan.Length > MaxTimestampBytes || !Ascii.IsValid(reader.ValueSpan))
        {
            return false;
        }

        Span<char> text = stackalloc char[MaxTimestampBytes];
        var length = Encoding.ASCII.GetChars(reader.ValueSpan, text);
        return DeviceTimestamp.TryParse(text[..length], out at);
    }

    /// <summary>Moves to the value of the object's next property, or says the object ended (or has a name left to the general path).</summary>
    private static Next NextProperty(ref Utf8JsonReader reader, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return reader.TokenType == JsonTokenType.EndObject ? Next.End : Next.Unusual;
        }

        if (!IsPlainName(ref reader))
        {
            return Next.Unusual;
        }

        name = reader.ValueSpan;
        return reader.Read() ? Next.Value : Next.Unusual;
    }

    private static bool IsTextOrNull(ref Utf8JsonReader reader) => reader.TokenType is JsonTokenType.String or JsonTokenType.Null;

    // Escaped or non-ASCII names match the serializer's case-insensitive names in ways not worth repeating here.
    private static bool IsPlainName(ref Utf8JsonReader reader) => IsPlainValue(ref reader) && Ascii.IsValid(reader.ValueSpan);

    private static bool IsPlainValue(ref Utf8JsonReader reader) => !reader.HasValueSequence && !reader.ValueIsEscaped;

    private enum Next
    {
        Value,
        End,
        Unusual,
    }

    private readonly record struct ZebraData(string? Epc, int? Antenna, double? PeakRssi, int Reads);
}
