using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Tracking.Grains.Transfers;

/// <summary>Transfer ids: readable, sortable by day, unique without coordination (e.g. TR-250514-3FA91C).</summary>
public static partial class TransferIds
{
    public static string New(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"TR-{at.UtcDateTime:yyMMdd}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3))}");

    /// <summary>
    /// The id a client's <c>Idempotency-Key</c> stands for (per caller): a retried create names the same transfer, so the
    /// grain answers with the one already made instead of a second one.
    /// </summary>
    public static string FromIdempotencyKey(string caller, string key) =>
        "TR-K-" + Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{caller}\n{key}")), 0, 8);

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex Pattern();
}
