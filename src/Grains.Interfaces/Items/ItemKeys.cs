namespace Tracking.Grains.Interfaces.Items;

/// <summary>
/// The key of an item's grain, from an id as a person, a reader or an RMA wrote it: an EPC (24 or 32 hex digits) in upper
/// case, whichever case it came in; a barcode exactly as printed (its case can matter). Every way into the item grains
/// uses this, so an RMA's serial and a scan of the same label reach the same grain.
/// </summary>
public static class ItemKeys
{
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var trimmed = id.Trim();
        return trimmed.Length is 24 or 32 && trimmed.All(Uri.IsHexDigit) ? trimmed.ToUpperInvariant() : trimmed;
    }
}
