using Tracking.Grains.Interfaces.Items;

namespace Tracking.Api.Items;

/// <summary>Item ids from the edge: EPCs are upper-case hex everywhere (readers send either case), barcodes stay as scanned.</summary>
public static class ItemIds
{
    public const int MaxLength = 128;

    public static string Normalize(string id) => ItemKeys.Normalize(id);

    public static bool IsValid(string id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxLength && id.All(c => !char.IsControl(c) && c != '/');
}
