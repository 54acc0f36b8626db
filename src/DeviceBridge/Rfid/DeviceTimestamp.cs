using System.Globalization;

namespace Tracking.DeviceBridge.Rfid;

/// <summary>
/// Parses device timestamps. Zebra's IoT Connector writes offsets as <c>+0000</c>, which System.Text.Json rejects,
/// so every device timestamp is read as a string and parsed here (ISO 8601 with Z, +hh:mm or +hhmm).
/// </summary>
/// <remarks>
/// Every read carries one, so the shape devices actually send (fixed-width fields, an optional fraction, Z or an
/// offset) is read by hand first: <c>DateTimeOffset.TryParseExact</c> with two formats cost the bridge about 5% of its
/// CPU with arrays of reads. Anything the hand reader is not sure of goes to <c>TryParseExact</c>, which defines the
/// format; the hand reader must never accept a text that <c>TryParseExact</c> would read differently or refuse
/// (<c>DeviceTimestampTests</c> check that over generated texts).
/// </remarks>
public static class DeviceTimestamp
{
    private const int MaxOffsetMinutes = 14 * 60;

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

        var s = text.Trim();
        return TryParseCommon(s, out value) || TryParseGeneral(s, out value) || TryParseNormalized(s, out value);
    }

    /// <summary>
    /// RFC 3339 also allows a lower-case <c>t</c> and <c>z</c> and any number of fraction digits (Go's RFC3339Nano and
    /// Java's <c>Instant</c> write nine): those are brought to the shape above, the fraction cut to 100 ns.
    /// </summary>
    internal static bool TryParseNormalized(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        Span<char> normal = stackalloc char[s.Length];
        var length = 0;
        var fractionDigits = -1;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (fractionDigits >= 0 && char.IsAsciiDigit(c))
            {
                if (++fractionDigits > 7)
                {
                    continue;
                }
            }
            else
            {
                fractionDigits = i == 19 && c == '.' ? 0 : -1;
            }

            normal[length++] = c switch
            {
                't' when i == 10 => 'T',
                'z' when i == s.Length - 1 => 'Z',
                _ => c,
            };
        }

        return TryParseCommon(normal[..length], out value) || TryParseGeneral(normal[..length], out value);
    }

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss</c>, optionally <c>.</c> and up to 7 digits, then <c>Z</c>, <c>±hh:mm</c> or <c>±hhmm</c>, every
    /// field in range and the instant well inside <see cref="DateTimeOffset"/>'s. False means "not sure", not "invalid".
    /// </summary>
    internal static bool TryParseCommon(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !TryDigits(s[..4], out var year) || !TryDigits(s.Slice(5, 2), out var month) || !TryDigits(s.Slice(8, 2), out var day)
            || !TryDigits(s.Slice(11, 2), out var hour) || !TryDigits(s.Slice(14, 2), out var minute) || !TryDigits(s.Slice(17, 2), out var second))
        {
            return false;
        }

        // Years 1 and 9999 could leave DateTimeOffset's range once the offset is applied: the general path decides those.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var rest = s[19..];
        long fractionTicks = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            var fraction = rest[1..digits];
            // "ss." with no digits is what TryParseExact's optional fraction (FFFFFFF) reads too.
            if (fraction.Length > 7 || !TryDigits(fraction, out var fractionValue))
            {
                return false;
            }

            fractionTicks = fractionValue;
            for (var scale = fraction.Length; scale < 7; scale++)
            {
                fractionTicks *= 10;
            }

            rest = rest[digits..];
        }

        if (!TryOffsetMinutes(rest, out var offsetMinutes))
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks;
        value = new DateTimeOffset(local - (offsetMinutes * TimeSpan.TicksPerMinute), TimeSpan.Zero);
        return true;
    }

    private static bool TryOffsetMinutes(ReadOnlySpan<char> zone, out int minutes)
    {
        minutes = 0;
        if (zone is ['Z'])
        {
            return true;
        }

        if (zone.Length is not (5 or 6) || zone[0] is not ('+' or '-'))
        {
            return false;
        }

        var hours = zone.Slice(1, 2);
        var mins = zone.Length == 6 ? zone[4..] : zone[3..];
        if ((zone.Length == 6 && zone[3] != ':') || !TryDigits(hours, out var h) || !TryDigits(mins, out var m) || m > 59)
        {
            return false;
        }

        minutes = (h * 60) + m;
        if (minutes > MaxOffsetMinutes)
        {
            return false;
        }

        minutes = zone[0] == '-' ? -minutes : minutes;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>The definition of the format: the two ISO shapes through <c>TryParseExact</c>, after <c>+hhmm</c> becomes <c>+hh:mm</c>.</summary>
    internal static bool TryParseGeneral(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        scoped var s = text;
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
        var zoned = s.Length > 0 && (s[^1] == 'Z' || (s.Length > 6 && s[^6] is '+' or '-' && s[^3] == ':'));
        return zoned && DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }
}
