namespace Tracking.Api.Common;

/// <summary>
/// An enum value from one of its names, in any case. <see cref="Enum.TryParse{TEnum}(string?, bool, out TEnum)"/> also takes
/// numbers and comma-separated names, OR-ed together: "Approved,Staged" would come out as a third value nobody named.
/// </summary>
public static class EnumNames
{
    public static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum
    {
        var name = text?.Trim();
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(candidate.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
