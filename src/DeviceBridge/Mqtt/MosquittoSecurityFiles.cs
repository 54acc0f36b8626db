using System.Security.Cryptography;
using System.Text;
using Tracking.DeviceBridge.Agv;
using Tracking.Grains.Warehouses;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// Mosquitto's <c>password_file</c> and <c>acl_file</c> generated from the device registry: the same rules as
/// <see cref="BrokerAccessPolicy"/>. Passwords are hashed in Mosquitto 2's PBKDF2-SHA512 format (<c>$7$</c>).
/// </summary>
public static class MosquittoSecurityFiles
{
    private const int Iterations = 101;

    public static (string PasswordFile, string AclFile) Generate(
        SiteCatalog catalog,
        string bridgeUsername,
        string bridgePassword,
        IReadOnlyDictionary<string, string> devicePasswords,
        string rfidPrefix = "tracking/rfid",
        string agvPrefix = "uagv/v2")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(devicePasswords);
        var passwords = new StringBuilder();
        var acl = new StringBuilder();
        passwords.Append(bridgeUsername).Append(':').Append(Hash(bridgePassword)).Append('\n');
        acl.Append("# Generated from the Tracking device registry. Do not edit: regenerate.\n");
        acl.Append("user ").Append(bridgeUsername).Append("\ntopic readwrite #\n\n");
        foreach (var warehouse in catalog.Warehouses)
        {
            foreach (var reader in warehouse.Layout.Readers)
            {
                if (Add(reader.ReaderId))
                {
                    acl.Append("user ").Append(reader.ReaderId).Append('\n')
                        .Append("topic write ").Append(rfidPrefix).Append('/').Append(reader.ReaderId).Append("/#\n\n");
                }
            }

            foreach (var agv in warehouse.Layout.Agvs)
            {
                if (!Add(agv.AgvId))
                {
                    continue;
                }

                acl.Append("user ").Append(agv.AgvId).Append('\n');
                foreach (var topic in VdaTopics.FromAgv)
                {
                    acl.Append("topic write ").Append(VdaTopics.For(agvPrefix, agv.Manufacturer, agv.SerialNumber, topic)).Append('\n');
                }

                foreach (var topic in VdaTopics.ToAgv)
                {
                    acl.Append("topic read ").Append(VdaTopics.For(agvPrefix, agv.Manufacturer, agv.SerialNumber, topic)).Append('\n');
                }

                acl.Append('\n');
            }
        }

        return (passwords.ToString(), acl.ToString());

        bool Add(string user)
        {
            if (!devicePasswords.TryGetValue(user, out var password))
            {
                return false;
            }

            passwords.Append(user).Append(':').Append(Hash(password)).Append('\n');
            return true;
        }
    }

    /// <summary><c>$7$iterations$salt$hash</c>, salt and hash base64, PBKDF2-HMAC-SHA512 with a 12-byte salt.</summary>
    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(12);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA512, 64);
        return $"$7${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }
}
