using System.Text;
using System.Text.Json.Nodes;

namespace Tracking.Grains.Journal;

/// <summary>
/// Event details as PostgreSQL's <c>jsonb</c> accepts them. JSON may carry <c>\u0000</c> and unpaired surrogates (a
/// note typed or pasted with them); <c>jsonb</c> refuses both, and one refused row fails the whole batched statement it
/// rides in, taking other grains' writes with it. Such characters become U+FFFD; everything else is left as it is.
/// </summary>
public static class JsonbText
{
    public static string? Safe(string? json)
    {
        // Cheap test first: only an escape can carry them (the serializers escape control characters and surrogates).
        if (json is null || !json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        var node = JsonNode.Parse(json);
        return Clean(node) ? node!.ToJsonString() : json;
    }

    private static bool Clean(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var changed = false;
                foreach (var (key, value) in o.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text) && Replaced(text) is { } clean)
                    {
                        o[key] = clean;
                        changed = true;
                    }
                    else
                    {
                        changed |= Clean(value);
                    }
                }

                return changed;
            case JsonArray a:
                var any = false;
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is JsonValue v && v.TryGetValue<string>(out var text) && Replaced(text) is { } clean)
                    {
                        a[i] = clean;
                        any = true;
                    }
                    else
                    {
                        any |= Clean(a[i]);
                    }
                }

                return any;
            default:
                return false;
        }
    }

    /// <summary>The text with NUL and unpaired surrogates replaced, or null when it has none.</summary>
    private static string? Replaced(string text)
    {
        StringBuilder? result = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                result?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (c == '\0' || char.IsSurrogate(c))
            {
                result ??= new StringBuilder(text, 0, i, text.Length);
                result.Append('\uFFFD');
            }
            else
            {
                result?.Append(c);
            }
        }

        return result?.ToString();
    }
}
