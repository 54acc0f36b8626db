using Tracking.DeviceBridge.Agv;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// Topic authorization for the embedded broker (the same rules <see cref="MosquittoSecurityFiles"/> writes as an ACL):
/// a reader publishes only under <c>{rfid}/{its id}/…</c>; an AGV publishes only its own VDA 5050 state, connection,
/// factsheet and visualization and subscribes only to its own order and instantActions; only the bridge writes orders.
/// An anonymous device (demo) may publish any device topic but never an order.
/// </summary>
public sealed class BrokerAccessPolicy(string rfidPrefix, string agvPrefix)
{
    public bool CanPublish(DeviceIdentity identity, string topic)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(topic);
        if (topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        return identity.Kind switch
        {
            DeviceIdentityKind.Bridge => true,
            DeviceIdentityKind.Reader => topic.StartsWith($"{rfidPrefix}/{identity.Id}/", StringComparison.Ordinal),
            DeviceIdentityKind.Agv => VdaTopics.FromAgv.Any(t => topic == $"{agvPrefix}/{identity.Id}/{t}"),
            DeviceIdentityKind.Anonymous => IsReaderTopic(topic) || IsAgvTopic(topic, VdaTopics.FromAgv),
            _ => false,
        };
    }

    public bool CanSubscribe(DeviceIdentity identity, string filter)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(filter);
        var topic = StripShare(filter);
        return identity.Kind switch
        {
            DeviceIdentityKind.Bridge => true,
            DeviceIdentityKind.Reader => topic.StartsWith($"{rfidPrefix}/{identity.Id}/", StringComparison.Ordinal) && !HasWildcard(topic),
            DeviceIdentityKind.Agv => VdaTopics.ToAgv.Any(t => topic == $"{agvPrefix}/{identity.Id}/{t}"),
            DeviceIdentityKind.Anonymous => !HasWildcard(topic) && IsAgvTopic(topic, VdaTopics.ToAgv),
            _ => false,
        };
    }

    private static bool HasWildcard(string topic) => topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal);

    /// <summary><c>$share/{group}/{filter}</c> is authorized as <c>{filter}</c>.</summary>
    private static string StripShare(string filter)
    {
        if (!filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return filter;
        }

        var slash = filter.IndexOf('/', "$share/".Length);
        return slash < 0 ? "" : filter[(slash + 1)..];
    }

    private bool IsReaderTopic(string topic)
    {
        var parts = topic.Split('/');
        var prefix = rfidPrefix.Split('/');
        return parts.Length > prefix.Length + 1 && topic.StartsWith(rfidPrefix + "/", StringComparison.Ordinal) && parts[prefix.Length].Length > 0;
    }

    private bool IsAgvTopic(string topic, IReadOnlyList<string> allowed)
    {
        if (!topic.StartsWith(agvPrefix + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic[(agvPrefix.Length + 1)..].Split('/');
        return rest.Length == 3 && rest[0].Length > 0 && rest[1].Length > 0 && allowed.Contains(rest[2]);
    }
}
