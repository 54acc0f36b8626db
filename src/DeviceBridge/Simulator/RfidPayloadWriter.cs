using System.Globalization;
using System.Text.Json;
using Tracking.DeviceBridge.Rfid;

namespace Tracking.DeviceBridge.Simulator;

public enum RfidVendorFormat
{
    Zebra,
    Impinj,
}

/// <summary>One simulated read before it is written in a vendor's format.</summary>
public sealed record SimulatedRead(string Epc, int Antenna, double Rssi, DateTimeOffset At);

/// <summary>Writes reads as a reader of that vendor would: Zebra IoT Connector data events or Impinj tagInventory events, as a JSON array.</summary>
public static class RfidPayloadWriter
{
    public static byte[] Write(RfidVendorFormat format, string readerId, IReadOnlyList<SimulatedRead> reads, ref long eventNum)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var events = new RfidEventJson[reads.Count];
        for (var i = 0; i < reads.Count; i++)
        {
            var r = reads[i];
            events[i] = format == RfidVendorFormat.Zebra
                ? new RfidEventJson
                {
                    Type = "SIMPLE",
                    // Zebra writes the offset without a colon (+0000): the bridge must cope, so the simulator does it too.
                    Timestamp = r.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture),
                    Data = new ZebraDataJson
                    {
                        Mac = MacOf(readerId),
                        Antenna = r.Antenna,
                        EventNum = ++eventNum,
                        Format = "epc",
                        IdHex = r.Epc.ToLowerInvariant(),
                        PeakRssi = Math.Round(r.Rssi),
                        Reads = 1,
                    },
                }
                : new RfidEventJson
                {
                    Timestamp = Iso(r.At),
                    Hostname = readerId.ToLowerInvariant(),
                    EventType = "tagInventory",
                    TagInventoryEvent = new ImpinjTagInventoryJson
                    {
                        Epc = Convert.ToBase64String(Convert.FromHexString(r.Epc)),
                        EpcHex = r.Epc,
                        AntennaPort = r.Antenna,
                        PeakRssiCdbm = (int)Math.Round(r.Rssi * 100),
                        LastSeenTime = Iso(r.At),
                    },
                };
        }

        return JsonSerializer.SerializeToUtf8Bytes(events, RfidJsonContext.Default.RfidEventJsonArray);
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string MacOf(string readerId)
    {
        var h = (uint)readerId.GetHashCode(StringComparison.Ordinal);
        return string.Create(CultureInfo.InvariantCulture, $"C4:7D:CC:{(h >> 16) & 0xFF:X2}:{(h >> 8) & 0xFF:X2}:{h & 0xFF:X2}");
    }
}
