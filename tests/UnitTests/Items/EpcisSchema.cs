using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Tracking.Tests.Shared;

/// <summary>
/// The GS1 EPCIS 2.0 JSON schema, made checkable by NJsonSchema. The schema picks the rules for a document and for each
/// event with draft-07 <c>if</c>/<c>then</c>, which NJsonSchema ignores (so the raw schema accepts anything with a
/// "type"). Here the branch the schema would select is applied explicitly: the document against
/// <c>#/definitions/epcisDocument</c>, every event against <c>#/definitions/ObjectEvent</c> plus the required @context rule.
/// </summary>
internal static class EpcisSchema
{
    public static async Task<JsonSchema> LoadAsync(string path)
    {
        var original = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        var definitions = original["definitions"]!.DeepClone();
        var resolved = new JsonObject
        {
            ["$schema"] = original["$schema"]!.DeepClone(),
            ["definitions"] = definitions,
            ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/definitions/epcisDocument" }),
            ["properties"] = new JsonObject
            {
                ["epcisBody"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["eventList"] = new JsonObject
                        {
                            ["type"] = "array",
                            ["items"] = new JsonObject
                            {
                                ["allOf"] = new JsonArray(
                                    new JsonObject { ["$ref"] = "#/definitions/ObjectEvent" },
                                    new JsonObject { ["properties"] = new JsonObject { ["type"] = new JsonObject { ["const"] = "ObjectEvent" } } }),
                            },
                        },
                    },
                },
            },
        };
        return await JsonSchema.FromJsonAsync(resolved.ToJsonString());
    }

    public static ICollection<ValidationError> Validate(JsonSchema schema, JsonNode document) => schema.Validate(document.ToJsonString());
}
