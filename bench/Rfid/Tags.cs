using System.Globalization;

namespace Tracking.Bench.Rfid;

/// <summary>SGTIN-96 style EPCs (header 0x30), unique per run and per index, upper-case hex as the system keys items.</summary>
public static class Tags
{
    public static string Epc(int run, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"30{run & 0xFFFFFF:X6}{0xA5:X2}{index:X14}");

    public static int NewRun() => Random.Shared.Next(1, 0xFFFFFF);
}
