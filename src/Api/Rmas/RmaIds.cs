using System.Security.Cryptography;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Api.Rmas;

/// <summary>
/// Ids for RMAs whose caller did not name one: <c>RMA-</c> and 16 random hex digits. Random ids can still collide, and
/// a caller who let the server choose must never be told "already exists", so a collision is retried with a new id.
/// </summary>
public static class RmaIds
{
    /// <summary>Fresh ids tried before a collision is reported (each collides with one given RMA at a chance of 2^-64).</summary>
    public const int Attempts = 3;

    public static string New() => "RMA-" + RandomNumberGenerator.GetHexString(16);

    /// <summary>Creates the RMA under the first of up to <see cref="Attempts"/> fresh ids that nobody holds.</summary>
    public static async Task<(string Id, T Created)> CreateUnderFreshIdAsync<T>(Func<string> newId, Func<string, Task<T>> create)
    {
        ArgumentNullException.ThrowIfNull(newId);
        ArgumentNullException.ThrowIfNull(create);
        for (var attempt = 1; ; attempt++)
        {
            var id = newId();
            try
            {
                return (id, await create(id));
            }
            catch (DomainException ex) when (ex.Code == RmaErrors.Exists && attempt < Attempts)
            {
                // Someone holds this id: draw another.
            }
        }
    }
}
