using System.Security.Cryptography;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// The account the bridge uses on the broker. With the embedded broker and none configured, a random one is made per
/// run: it never leaves the process, so nothing secret needs configuring for the demo.
/// </summary>
public sealed record BridgeCredentials(string? Username, string? Password)
{
    public static BridgeCredentials From(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == MqttMode.Embedded && string.IsNullOrEmpty(options.Username))
        {
            return new BridgeCredentials("tracking-bridge", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        }

        return new BridgeCredentials(NullIfEmpty(options.Username), NullIfEmpty(options.Password));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
