using System.Globalization;

namespace Tracking.DeviceBridge.Rfid;

/// <summary>
/// Parses device timestamps. Zebra's IoT Connector writes offsets as <c>+0000</c>, which System.Text.Json rejects,
/// so every device timestamp is read as a string and parsed here (ISO 8601 with Z, +hh:mm or +hhmm).
/// </summary>
public static class DeviceTimestamp
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mm:ssK",
    ];

    public static bool TryParse(string? text, out DateTimeOffset value) => TryParse(text.AsSpan(), out value);

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.IsWhiteSpace() || text.Length < 20 || text.Length > 40)
        {
            return false;
        }

        scoped ReadOnlySpan<char> s = text.Trim();
        Span<char> withColon = stackalloc char[42];
        // "+0000" / "-0500" → "+00:00" / "-05:00"
        if (s.Length > 5 && s[^5] is '+' or '-' && char.IsAsciiDigit(s[^4]) && char.IsAsciiDigit(s[^3]) && char.IsAsciiDigit(s[^2]) && char.IsAsciiDigit(s[^1]))
        {
            s[..^2].CopyTo(withColon);
            withColon[s.Length - 2] = ':';
            s[^2..].CopyTo(withColon[(s.Length - 1)..]);
            s = withColon[..(s.Length + 1)];
        }

        // Without a zone a device time is ambiguous: refuse it rather than guess.
        var zoned = s[^1] == 'Z' || (s.Length > 6 && s[^6] is '+' or '-' && s[^3] == ':');
        return zoned && DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }
}
