using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tracking.Api.Transfers;

/// <summary>Regions and transfers answer with enum names (InTransit, Refurbish), not numbers: clients and maps read them.</summary>
internal static class TransferJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
}
