namespace Tracking.DeviceBridge.Agv;

/// <summary>VDA 5050 2.x topics: <c>{prefix}/{manufacturer}/{serialNumber}/{topic}</c>, prefix <c>uagv/v2</c> by default.</summary>
public static class VdaTopics
{
    public const string State = "state";
    public const string Connection = "connection";
    public const string Factsheet = "factsheet";
    public const string Visualization = "visualization";
    public const string Order = "order";
    public const string InstantActions = "instantActions";

    /// <summary>What AGVs publish (the bridge subscribes to these).</summary>
    public static readonly IReadOnlyList<string> FromAgv = [State, Connection, Factsheet, Visualization];

    /// <summary>What the master control publishes to AGVs.</summary>
    public static readonly IReadOnlyList<string> ToAgv = [Order, InstantActions];

    public static string For(string prefix, string manufacturer, string serialNumber, string topic) => $"{prefix}/{manufacturer}/{serialNumber}/{topic}";
}
