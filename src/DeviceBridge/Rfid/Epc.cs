namespace Tracking.DeviceBridge.Rfid;

/// <summary>EPCs travel as hex (any case); items are keyed by the upper-case form.</summary>
public static class Epc
{
    public static bool TryNormalize(string? hex, out string epc)
    {
        epc = "";
        if (hex is null || hex.Length < 8 || hex.Length > 64 || hex.Length % 2 != 0)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        epc = hex.ToUpperInvariant();
        return true;
    }

    public static bool TryFromBase64(string? base64, out string epc)
    {
        epc = "";
        if (string.IsNullOrEmpty(base64) || base64.Length > 128)
        {
            return false;
        }

        var buffer = new byte[96];
        return Convert.TryFromBase64String(base64, buffer, out var written) && TryNormalize(Convert.ToHexString(buffer, 0, written), out epc);
    }
}
