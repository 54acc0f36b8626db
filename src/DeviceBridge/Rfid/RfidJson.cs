using System.Text.Json.Serialization;

namespace Tracking.DeviceBridge.Rfid;

/// <summary>
/// One RFID event as either vendor sends it. Both share a topic, so one shape holds the fields of both and the
/// parser decides which it is: Zebra IoT Connector data events have <c>data.idHex</c>; Impinj IoT Device Interface
/// events have <c>eventType</c> and <c>tagInventoryEvent</c>.
/// </summary>
public sealed class RfidEventJson
{
    public string? Type { get; set; }

    public string? Timestamp { get; set; }

    public ZebraDataJson? Data { get; set; }

    public string? EventType { get; set; }

    public string? Hostname { get; set; }

    public ImpinjTagInventoryJson? TagInventoryEvent { get; set; }
}

public sealed class ZebraDataJson
{
    [JsonPropertyName("MAC")]
    public string? Mac { get; set; }

    public int? Antenna { get; set; }

    public long? EventNum { get; set; }

    public string? Format { get; set; }

    public string? IdHex { get; set; }

    public double? PeakRssi { get; set; }

    public int? Reads { get; set; }
}

public sealed class ImpinjTagInventoryJson
{
    public string? Epc { get; set; }

    public string? EpcHex { get; set; }

    public int? AntennaPort { get; set; }

    public string? AntennaName { get; set; }

    public int? PeakRssiCdbm { get; set; }

    public long? Frequency { get; set; }

    public int? TransmitPowerCdbm { get; set; }

    public string? LastSeenTime { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RfidEventJson))]
[JsonSerializable(typeof(RfidEventJson[]))]
public sealed partial class RfidJsonContext : JsonSerializerContext;
