namespace Tracking.Grains.Interfaces.Common;

/// <summary>Who caused a change: a signed-in person, a device, or the system itself. Recorded in the custody journal.</summary>
[GenerateSerializer, Immutable]
public sealed record Actor([property: Id(0)] ActorKind Kind, [property: Id(1)] string Id)
{
    public static readonly Actor System = new(ActorKind.System, "system");

    public static Actor User(string name) => new(ActorKind.User, name);

    public static Actor Device(string deviceId) => new(ActorKind.Device, deviceId);

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Id}";
}

public enum ActorKind
{
    System,
    User,
    Device,
}
