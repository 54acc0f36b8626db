using System.Globalization;
using System.Numerics;

namespace Tracking.Grains.Items;

/// <summary>
/// Decodes GS1 SGTIN-96 EPCs (header 0x30) to the pure-identity URI and GTIN-14 (GS1 TDS §14.5.1).
/// Other EPCs are not SGTIN-96 and are kept as hex by the caller.
/// </summary>
public static class Sgtin96
{
    private const int Header = 0x30;

    // Partition value -> (company prefix bits, digits, item reference bits, digits); the two always total 44 bits, 13 digits.
    private static readonly (int CompanyBits, int CompanyDigits, int ItemBits, int ItemDigits)[] Partitions =
    [
        (40, 12, 4, 1),
        (37, 11, 7, 2),
        (34, 10, 10, 3),
        (30, 9, 14, 4),
        (27, 8, 17, 5),
        (24, 7, 20, 6),
        (20, 6, 24, 7),
    ];

    public static bool TryDecode(string? epcHex, out SgtinIdentity identity)
    {
        identity = default!;
        if (epcHex is null || epcHex.Length != 24 || !BigInteger.TryParse("0" + epcHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var header = (int)(value >> 88);
        if (header != Header)
        {
            return false;
        }

        var filter = (int)((value >> 85) & 0x7);
        var partition = (int)((value >> 82) & 0x7);
        if (partition >= Partitions.Length)
        {
            return false;
        }

        var (companyBits, companyDigits, itemBits, itemDigits) = Partitions[partition];
        var company = (value >> (38 + itemBits)) & ((BigInteger.One << companyBits) - 1);
        var item = (value >> 38) & ((BigInteger.One << itemBits) - 1);
        var serial = (long)(value & ((BigInteger.One << 38) - 1));
        var companyText = company.ToString(CultureInfo.InvariantCulture);
        var itemText = item.ToString(CultureInfo.InvariantCulture);
        if (companyText.Length > companyDigits || itemText.Length > itemDigits)
        {
            // The field holds more digits than its partition allows: not a valid encoding.
            return false;
        }

        companyText = companyText.PadLeft(companyDigits, '0');
        itemText = itemText.PadLeft(itemDigits, '0');
        var serialText = serial.ToString(CultureInfo.InvariantCulture);

        // GTIN-14: indicator digit (first digit of the item reference), company prefix, rest of the item reference, check digit.
        var gtin13 = itemText[0] + companyText + itemText[1..];
        identity = new SgtinIdentity(
            Filter: filter,
            CompanyPrefix: companyText,
            ItemReference: itemText,
            Serial: serialText,
            Gtin: gtin13 + CheckDigit(gtin13),
            Uri: $"urn:epc:id:sgtin:{companyText}.{itemText}.{serialText}");
        return true;
    }

    /// <summary>GS1 mod-10 check digit: weights 3,1,3,… from the right.</summary>
    public static char CheckDigit(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            sum += i % 2 == 0 ? d * 3 : d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }
}

/// <summary>A decoded SGTIN: the GS1 identity of one trade item instance.</summary>
public sealed record SgtinIdentity(int Filter, string CompanyPrefix, string ItemReference, string Serial, string Gtin, string Uri);
