using System.Globalization;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>Encodes SGTIN-96 EPCs (header 0x30) for simulated tags: a 7-digit company prefix (partition 5), 6-digit item reference.</summary>
public static class Sgtin96
{
    public static string Encode(long companyPrefix, long itemReference, long serial, int filter = 1)
    {
        UInt128 value = 0x30;
        value = (value << 3) | (uint)filter;
        value = (value << 3) | 5u;
        value = (value << 24) | (ulong)companyPrefix;
        value = (value << 20) | (ulong)itemReference;
        value = (value << 38) | (ulong)serial;
        return value.ToString("X24", CultureInfo.InvariantCulture);
    }
}
