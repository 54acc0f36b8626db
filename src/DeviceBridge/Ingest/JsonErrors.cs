using System.Text.Json;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

internal static class JsonErrors
{
    /// <summary>A value of the wrong JSON type is "invalid-value"; anything else the reader rejects is "malformed-json".</summary>
    public static string ReasonOf(JsonException ex) =>
        ex.Message.Contains("could not be converted", StringComparison.Ordinal) ? DeadLetterReasons.InvalidValue : DeadLetterReasons.MalformedJson;
}
