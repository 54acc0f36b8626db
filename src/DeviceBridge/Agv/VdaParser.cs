using System.Buffers;
using System.Text.Json;
using Tracking.DeviceBridge.Ingest;
using Tracking.DeviceBridge.Rfid;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Agv;

/// <summary>Validates VDA 5050 <c>state</c> and <c>connection</c> messages and extracts what the AGV grain needs.</summary>
public static class VdaParser
{
    private static readonly HashSet<string> ConnectionStates = ["ONLINE", "OFFLINE", "CONNECTIONBROKEN"];
    private static readonly HashSet<string> OperatingModes = ["AUTOMATIC", "SEMIAUTOMATIC", "MANUAL", "SERVICE", "TEACHIN"];
    private static readonly HashSet<string> ActionStatuses = ["WAITING", "INITIALIZING", "RUNNING", "PAUSED", "FINISHED", "FAILED"];
    private static readonly HashSet<string> ErrorLevels = ["WARNING", "FATAL"];

    public static ParseResult<AgvStateReport> ParseState(ReadOnlySequence<byte> payload, string manufacturer, string serialNumber)
    {
        VdaStateJson? s;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            s = JsonSerializer.Deserialize(ref reader, VdaJsonContext.Default.VdaStateJson);
        }
        catch (JsonException ex)
        {
            return ParseResult<AgvStateReport>.Fail(JsonErrors.ReasonOf(ex), ex.Message);
        }

        if (s is null)
        {
            return Fail<AgvStateReport>(DeadLetterReasons.MalformedJson, "expected a JSON object");
        }

        var header = CheckHeader(s.HeaderId, s.Timestamp, s.Manufacturer, s.SerialNumber, manufacturer, serialNumber, out var timestamp);
        if (header is { } h)
        {
            return Fail<AgvStateReport>(h.Reason, h.Detail);
        }

        var missing = s.OrderId is null ? "orderId"
            : s.OrderUpdateId is null ? "orderUpdateId"
            : s.LastNodeId is null ? "lastNodeId"
            : s.Driving is null ? "driving"
            : s.OperatingMode is null ? "operatingMode"
            : s.NodeStates is null ? "nodeStates"
            : s.ActionStates is null ? "actionStates"
            : s.BatteryState?.BatteryCharge is null ? "batteryState.batteryCharge"
            : s.BatteryState.Charging is null ? "batteryState.charging"
            : s.Errors is null ? "errors"
            : null;
        if (missing is not null)
        {
            return Fail<AgvStateReport>(DeadLetterReasons.MissingField, $"{missing} is missing");
        }

        if (!OperatingModes.Contains(s.OperatingMode!))
        {
            return Fail<AgvStateReport>(DeadLetterReasons.InvalidValue, $"operatingMode '{s.OperatingMode}' is not a VDA 5050 mode");
        }

        // VDA 5050 bounds no state of charge: a gauge reading 101% or -1% still sends a state whose position and task
        // progress matter, so the value is held to 0-100 rather than the whole state refused.
        var battery = s.BatteryState!.BatteryCharge!.Value;
        if (!double.IsFinite(battery))
        {
            return Fail<AgvStateReport>(DeadLetterReasons.InvalidValue, $"batteryState.batteryCharge {battery} is not a number");
        }

        battery = Math.Clamp(battery, 0, 100);

        var actions = new List<AgvActionStatus>(s.ActionStates!.Count);
        foreach (var a in s.ActionStates!)
        {
            if (a?.ActionId is null || a.ActionStatus is null || !ActionStatuses.Contains(a.ActionStatus))
            {
                return Fail<AgvStateReport>(DeadLetterReasons.InvalidValue, "an actionStates entry lacks actionId or a valid actionStatus");
            }

            actions.Add(new AgvActionStatus(a.ActionId, a.ActionType ?? "", a.ActionStatus, a.ResultDescription));
        }

        var errors = new List<AgvError>(s.Errors!.Count);
        foreach (var e in s.Errors!)
        {
            if (e?.ErrorType is null || e.ErrorLevel is null || !ErrorLevels.Contains(e.ErrorLevel))
            {
                return Fail<AgvStateReport>(DeadLetterReasons.InvalidValue, "an errors entry lacks errorType or a valid errorLevel");
            }

            errors.Add(new AgvError(e.ErrorType, e.ErrorLevel, e.ErrorDescription));
        }

        AgvPosition? position = null;
        if (s.AgvPosition is { } p)
        {
            if (p.X is not { } x || p.Y is not { } y || !double.IsFinite(x) || !double.IsFinite(y))
            {
                return Fail<AgvStateReport>(DeadLetterReasons.InvalidValue, "agvPosition needs finite x and y");
            }

            position = new AgvPosition(x, y, p.Theta ?? 0, p.MapId ?? "", p.PositionInitialized ?? false);
        }

        var loads = s.Loads?.Where(l => l?.LoadId is not null).Select(l => l.LoadId!).ToArray() ?? [];
        return ParseResult<AgvStateReport>.Success(new AgvStateReport(
            s.HeaderId!.Value, timestamp, s.OrderId!, s.OrderUpdateId!.Value, s.LastNodeId!, s.Driving!.Value, s.OperatingMode!,
            position, battery, s.BatteryState.Charging!.Value, loads, actions, errors, s.NodeStates!.Count));
    }

    public static ParseResult<AgvConnectionReport> ParseConnection(ReadOnlySequence<byte> payload, string manufacturer, string serialNumber)
    {
        VdaConnectionJson? c;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            c = JsonSerializer.Deserialize(ref reader, VdaJsonContext.Default.VdaConnectionJson);
        }
        catch (JsonException ex)
        {
            return ParseResult<AgvConnectionReport>.Fail(JsonErrors.ReasonOf(ex), ex.Message);
        }

        if (c is null)
        {
            return Fail<AgvConnectionReport>(DeadLetterReasons.MalformedJson, "expected a JSON object");
        }

        var header = CheckHeader(c.HeaderId, c.Timestamp, c.Manufacturer, c.SerialNumber, manufacturer, serialNumber, out var timestamp);
        if (header is { } h)
        {
            return Fail<AgvConnectionReport>(h.Reason, h.Detail);
        }

        if (c.ConnectionState is null)
        {
            return Fail<AgvConnectionReport>(DeadLetterReasons.MissingField, "connectionState is missing");
        }

        if (!ConnectionStates.Contains(c.ConnectionState))
        {
            return Fail<AgvConnectionReport>(DeadLetterReasons.InvalidValue, $"connectionState '{c.ConnectionState}' is not ONLINE, OFFLINE or CONNECTIONBROKEN");
        }

        return ParseResult<AgvConnectionReport>.Success(new AgvConnectionReport(c.HeaderId!.Value, timestamp, c.ConnectionState));
    }

    private static (string Reason, string Detail)? CheckHeader(
        long? headerId, string? timestampText, string? manufacturer, string? serialNumber, string topicManufacturer, string topicSerial, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (headerId is null)
        {
            return (DeadLetterReasons.MissingField, "headerId is missing");
        }

        if (headerId < 0)
        {
            return (DeadLetterReasons.InvalidValue, $"headerId {headerId} is negative");
        }

        if (timestampText is null)
        {
            return (DeadLetterReasons.MissingField, "timestamp is missing");
        }

        if (!DeviceTimestamp.TryParse(timestampText, out timestamp))
        {
            return (DeadLetterReasons.InvalidValue, $"timestamp '{(timestampText.Length > 40 ? timestampText[..40] : timestampText)}' is not an ISO 8601 time");
        }

        if (manufacturer is null || serialNumber is null)
        {
            return (DeadLetterReasons.MissingField, "manufacturer or serialNumber is missing");
        }

        // The topic says who sent it; a payload naming another AGV is refused rather than applied to either.
        if (!string.Equals(manufacturer, topicManufacturer, StringComparison.Ordinal) || !string.Equals(serialNumber, topicSerial, StringComparison.Ordinal))
        {
            return (DeadLetterReasons.TopicMismatch, $"payload names {manufacturer}/{serialNumber} but was published on the topic of {topicManufacturer}/{topicSerial}");
        }

        return null;
    }

    private static ParseResult<T> Fail<T>(string reason, string detail)
        where T : class => ParseResult<T>.Fail(reason, detail);
}
