using System.Security.Cryptography;
using System.Text;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>Who may connect to the embedded broker: the bridge, devices of the site with a configured credential, and (demo) anonymous devices.</summary>
public sealed class DeviceRegistry(SiteCatalog catalog, MqttOptions options, BridgeCredentials bridge)
{
    private readonly Dictionary<string, byte[]> _hashes = options.DeviceCredentials
        .ToDictionary(c => c.Username, c => Convert.FromHexString(c.Sha256), StringComparer.Ordinal);

    public bool AllowAnonymous => options.AllowAnonymousDevices;

    /// <summary>Credentials configured for users the site does not know: worth a warning at start-up.</summary>
    public IEnumerable<string> UnknownCredentialUsers => _hashes.Keys.Where(u => Resolve(u) is null);

    public DeviceIdentity? Authenticate(string? username, string? password)
    {
        if (string.IsNullOrEmpty(username))
        {
            return options.AllowAnonymousDevices && string.IsNullOrEmpty(password) ? DeviceIdentity.Anonymous : null;
        }

        if (bridge.Username is not null && username == bridge.Username)
        {
            return FixedEquals(password, bridge.Password) ? DeviceIdentity.Bridge : null;
        }

        if (!_hashes.TryGetValue(username, out var expected) || password is null)
        {
            return null;
        }

        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(password));
        return CryptographicOperations.FixedTimeEquals(actual, expected) ? Resolve(username) : null;
    }

    public static string HashHex(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private DeviceIdentity? Resolve(string username)
    {
        if (catalog.FindReader(username) is { } reader)
        {
            return new DeviceIdentity(DeviceIdentityKind.Reader, reader.Reader.ReaderId);
        }

        return catalog.FindAgv(username) is { } agv ? new DeviceIdentity(DeviceIdentityKind.Agv, agv.Agv.AgvId) : null;
    }

    private static bool FixedEquals(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
