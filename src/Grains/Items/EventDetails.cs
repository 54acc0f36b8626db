using System.Text.Json;

namespace Tracking.Grains.Items;

/// <summary>
/// An item event's details: the pairs that have a value, as a JSON object (<c>{"device":"AMS1-GATE-IN"}</c>), or null
/// when none has. Identifiers need no escaping, so the object is written straight into its string; a value that would
/// need it goes through the serializer, which writes the same JSON a dictionary of the pairs gives.
/// </summary>
public static class EventDetails
{
    public static string? Of(params (string Key, string? Value)[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var length = 1;
        foreach (var (key, value) in pairs)
        {
            if (value is null)
            {
                continue;
            }

            if (!IsPlain(key) || !IsPlain(value))
            {
                return Serialized(pairs);
            }

            // "key":"value" and a comma or the closing brace.
            length += key.Length + value.Length + 6;
        }

        return length == 1 ? null : string.Create(length, pairs, Write);
    }

    private static void Write(Span<char> destination, (string Key, string? Value)[] pairs)
    {
        var at = 0;
        destination[at++] = '{';
        foreach (var (key, value) in pairs)
        {
            if (value is null)
            {
                continue;
            }

            if (at > 1)
            {
                destination[at++] = ',';
            }

            at = Quoted(destination, at, key);
            destination[at++] = ':';
            at = Quoted(destination, at, value);
        }

        destination[at] = '}';
    }

    private static int Quoted(Span<char> destination, int at, string text)
    {
        destination[at++] = '"';
        text.CopyTo(destination[at..]);
        at += text.Length;
        destination[at++] = '"';
        return at;
    }

    /// <summary>
    /// Printable ASCII that the serializer's default encoder writes as it is (it escapes quotes, backslashes, the
    /// HTML-sensitive &lt; &gt; &amp; ' + ` and everything outside printable ASCII).
    /// </summary>
    private static bool IsPlain(string text)
    {
        foreach (var c in text)
        {
            if (c is < ' ' or > '~' or '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`')
            {
                return false;
            }
        }

        return true;
    }

    private static string Serialized((string Key, string? Value)[] pairs) =>
        JsonSerializer.Serialize(pairs.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value));
}
