using System.Text.Json.Serialization;

namespace Tracking.DeviceBridge.Agv;

// VDA 5050 2.x messages as they travel. Fields are nullable so the parser can say exactly which required one is missing.
#pragma warning disable SA1402 // The wire shapes of one protocol belong together.

public sealed class VdaHeaderJson
{
    public long? HeaderId { get; set; }

    public string? Timestamp { get; set; }

    public string? Version { get; set; }

    public string? Manufacturer { get; set; }

    public string? SerialNumber { get; set; }
}

public sealed class VdaStateJson
{
    public long? HeaderId { get; set; }

    public string? Timestamp { get; set; }

    public string? Version { get; set; }

    public string? Manufacturer { get; set; }

    public string? SerialNumber { get; set; }

    public string? OrderId { get; set; }

    public long? OrderUpdateId { get; set; }

    public string? LastNodeId { get; set; }

    public long? LastNodeSequenceId { get; set; }

    public bool? Driving { get; set; }

    public bool? Paused { get; set; }

    public string? OperatingMode { get; set; }

    public List<VdaNodeStateJson>? NodeStates { get; set; }

    public List<VdaEdgeStateJson>? EdgeStates { get; set; }

    public VdaAgvPositionJson? AgvPosition { get; set; }

    public VdaVelocityJson? Velocity { get; set; }

    public List<VdaLoadJson>? Loads { get; set; }

    public VdaBatteryStateJson? BatteryState { get; set; }

    public List<VdaActionStateJson>? ActionStates { get; set; }

    public List<VdaErrorJson>? Errors { get; set; }

    public VdaSafetyStateJson? SafetyState { get; set; }
}

public sealed class VdaNodeStateJson
{
    public string? NodeId { get; set; }

    public long? SequenceId { get; set; }

    public bool? Released { get; set; }
}

public sealed class VdaEdgeStateJson
{
    public string? EdgeId { get; set; }

    public long? SequenceId { get; set; }

    public bool? Released { get; set; }
}

public sealed class VdaAgvPositionJson
{
    public double? X { get; set; }

    public double? Y { get; set; }

    public double? Theta { get; set; }

    public string? MapId { get; set; }

    public bool? PositionInitialized { get; set; }
}

public sealed class VdaVelocityJson
{
    public double? Vx { get; set; }

    public double? Vy { get; set; }

    public double? Omega { get; set; }
}

public sealed class VdaLoadJson
{
    public string? LoadId { get; set; }

    public string? LoadType { get; set; }
}

public sealed class VdaBatteryStateJson
{
    public double? BatteryCharge { get; set; }

    public bool? Charging { get; set; }
}

public sealed class VdaActionStateJson
{
    public string? ActionId { get; set; }

    public string? ActionType { get; set; }

    public string? ActionStatus { get; set; }

    public string? ResultDescription { get; set; }
}

public sealed class VdaErrorJson
{
    public string? ErrorType { get; set; }

    public string? ErrorLevel { get; set; }

    public string? ErrorDescription { get; set; }
}

public sealed class VdaSafetyStateJson
{
    public string? EStop { get; set; }

    public bool? FieldViolation { get; set; }
}

public sealed class VdaConnectionJson
{
    public long? HeaderId { get; set; }

    public string? Timestamp { get; set; }

    public string? Version { get; set; }

    public string? Manufacturer { get; set; }

    public string? SerialNumber { get; set; }

    public string? ConnectionState { get; set; }
}

public sealed class VdaOrderJson
{
    public long HeaderId { get; set; }

    public string Timestamp { get; set; } = "";

    public string Version { get; set; } = "";

    public string Manufacturer { get; set; } = "";

    public string SerialNumber { get; set; } = "";

    public string OrderId { get; set; } = "";

    public long OrderUpdateId { get; set; }

    public List<VdaNodeJson> Nodes { get; set; } = [];

    public List<VdaEdgeJson> Edges { get; set; } = [];
}

public sealed class VdaNodeJson
{
    public string NodeId { get; set; } = "";

    public long SequenceId { get; set; }

    public bool Released { get; set; }

    public VdaNodePositionJson? NodePosition { get; set; }

    public List<VdaActionJson> Actions { get; set; } = [];
}

public sealed class VdaNodePositionJson
{
    public double X { get; set; }

    public double Y { get; set; }

    public string MapId { get; set; } = "";
}

public sealed class VdaEdgeJson
{
    public string EdgeId { get; set; } = "";

    public long SequenceId { get; set; }

    public bool Released { get; set; }

    public string StartNodeId { get; set; } = "";

    public string EndNodeId { get; set; } = "";

    public List<VdaActionJson> Actions { get; set; } = [];
}

public sealed class VdaActionJson
{
    public string ActionId { get; set; } = "";

    public string ActionType { get; set; } = "";

    public string BlockingType { get; set; } = "HARD";

    public List<VdaActionParameterJson>? ActionParameters { get; set; }
}

public sealed class VdaActionParameterJson
{
    public string Key { get; set; } = "";

    public string Value { get; set; } = "";
}

public sealed class VdaInstantActionsJson
{
    public long? HeaderId { get; set; }

    public string? Timestamp { get; set; }

    public string? Version { get; set; }

    public string? Manufacturer { get; set; }

    public string? SerialNumber { get; set; }

    public List<VdaActionJson>? Actions { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VdaStateJson))]
[JsonSerializable(typeof(VdaConnectionJson))]
[JsonSerializable(typeof(VdaOrderJson))]
[JsonSerializable(typeof(VdaInstantActionsJson))]
public sealed partial class VdaJsonContext : JsonSerializerContext;
