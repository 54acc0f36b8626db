using System.Globalization;
using System.Text;

namespace Tracking.Bench.Rfid;

/// <summary>
/// Writes reads the way a Zebra IoT Connector does: one data event per read, alone or as a JSON array; the timestamp
/// with a "+0000" offset and idHex in lower case, exactly the quirks the bridge must cope with.
/// </summary>
public static class ZebraPayload
{
    public static byte[] Write(string mac, IReadOnlyList<TagRead> reads, ref long eventNum)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var sb = new StringBuilder(reads.Count * 200);
        if (reads.Count > 1)
        {
            sb.Append('[');
        }

        for (var i = 0; i < reads.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            var r = reads[i];
            sb.Append(CultureInfo.InvariantCulture,
                $$$"""{"type":"SIMPLE","timestamp":"{{{r.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff}}}+0000","data":{"MAC":"{{{mac}}}","antenna":{{{r.Antenna}}},"eventNum":{{{++eventNum}}},"format":"epc","idHex":"{{{r.Epc.ToLowerInvariant()}}}","peakRssi":{{{r.Rssi}}},"reads":1}}""");
        }

        if (reads.Count > 1)
        {
            sb.Append(']');
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static string MacOf(int readerIndex) => string.Create(CultureInfo.InvariantCulture, $"C4:7D:CC:00:{readerIndex / 256:X2}:{readerIndex % 256:X2}");
}

/// <summary>One raw read of a tag by an antenna.</summary>
public sealed record TagRead(string Epc, int Antenna, int Rssi, DateTimeOffset At);
