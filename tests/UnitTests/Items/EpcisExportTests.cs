using System.Text.Json.Nodes;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;
using Tracking.Tests.Shared;

namespace Tracking.UnitTests.Items;

/// <summary>The EPCIS 2.0 export of a full lifecycle, checked against the GS1 JSON schema.</summary>
public sealed class EpcisExportTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 14, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_full_lifecycle_exports_as_a_schema_valid_EPCIS_document()
    {
        var (item, events) = Lifecycle("3074257BF7194E4000001A85");
        var schema = await EpcisSchema.LoadAsync(SharedFiles.Path("protocols", "epcis-2.0", "epcis-schema.json"));

        var document = EpcisExport.Document(item, events, Start.AddDays(1));
        var errors = schema.Validate(document.ToJsonString());

        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
        var list = document["epcisBody"]!["eventList"]!.AsArray();
        Assert.Equal(events.Count - 1, list.Count);
        Assert.All(list, e => Assert.Equal("urn:epc:id:sgtin:0614141.812345.6789", e!["epcList"]![0]!.GetValue<string>()));
        Assert.Equal(["receiving", "inspecting", "inspecting", "inspecting", "storing", "stocking"], list.Select(e => e!["bizStep"]!.GetValue<string>()));
        Assert.Equal("ADD", list[0]!["action"]!.GetValue<string>());
        Assert.Equal("returned", list[0]!["disposition"]!.GetValue<string>());
        Assert.Equal("sellable_accessible", list[^1]!["disposition"]!.GetValue<string>());
        Assert.Equal("rma", list[0]!["bizTransactionList"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("urn:tracking:rma:RMA-1", list[0]!["bizTransactionList"]![0]!["bizTransaction"]!.GetValue<string>());
        Assert.Equal("urn:tracking:location:AMS1:DOCK-IN-01", list[0]!["readPoint"]!["id"]!.GetValue<string>());
        Assert.Equal("urn:tracking:warehouse:AMS1", list[0]!["bizLocation"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scrapped_barcode_item_in_transit_on_the_way_is_schema_valid_too()
    {
        var schema = await EpcisSchema.LoadAsync(SharedFiles.Path("protocols", "epcis-2.0", "epcis-schema.json"));
        var item = Snapshot("LP 0001/A", ItemStatus.Scrapped) with { RmaId = null, Disposition = Disposition.Scrap };
        ItemEvent[] events =
        [
            Event("LP 0001/A", 1, ItemEventTypes.UnexpectedReceived, null, ItemStatus.Received, "DOCK-IN-01"),
            Event("LP 0001/A", 2, ItemEventTypes.Departed, ItemStatus.Received, ItemStatus.InTransit, null),
            Event("LP 0001/A", 3, ItemEventTypes.Arrived, ItemStatus.InTransit, ItemStatus.Received, "DOCK-IN-01"),
            Event("LP 0001/A", 4, ItemEventTypes.Completed, ItemStatus.AwaitingScrap, ItemStatus.Scrapped, null),
        ];

        var document = EpcisExport.Document(item, events, Start);

        Assert.Empty(schema.Validate(document.ToJsonString()));
        var list = document["epcisBody"]!["eventList"]!.AsArray();
        Assert.Equal("urn:tracking:item:LP%200001%2FA", list[0]!["epcList"]![0]!.GetValue<string>());
        Assert.Null(list[1]!["bizLocation"]);
        Assert.Equal("in_transit", list[1]!["disposition"]!.GetValue<string>());
        Assert.Equal(("DELETE", "destroying", "destroyed"), (list[3]!["action"]!.GetValue<string>(), list[3]!["bizStep"]!.GetValue<string>(), list[3]!["disposition"]!.GetValue<string>()));
        Assert.Null(list[0]!["bizTransactionList"]);
    }

    [Fact]
    public async Task The_schema_check_is_real_a_broken_event_fails_it()
    {
        var (item, events) = Lifecycle("3074257BF7194E4000001A85");
        var schema = await EpcisSchema.LoadAsync(SharedFiles.Path("protocols", "epcis-2.0", "epcis-schema.json"));
        var document = EpcisExport.Document(item, events, Start);
        var wrongAction = JsonNode.Parse(document.ToJsonString())!;
        wrongAction["epcisBody"]!["eventList"]![0]!["action"] = "MOVE";
        var noTime = JsonNode.Parse(document.ToJsonString())!;
        noTime["epcisBody"]!["eventList"]![1]!.AsObject().Remove("eventTime");
        var badStep = JsonNode.Parse(document.ToJsonString())!;
        badStep["epcisBody"]!["eventList"]![1]!["bizStep"] = "grading";

        Assert.Empty(schema.Validate(document.ToJsonString()));
        Assert.NotEmpty(schema.Validate(wrongAction.ToJsonString()));
        Assert.NotEmpty(schema.Validate(noTime.ToJsonString()));
        Assert.NotEmpty(schema.Validate(badStep.ToJsonString()));
    }

    [Fact]
    public void Other_hex_EPCs_export_as_raw_EPC_uris()
    {
        Assert.Equal("urn:epc:raw:96.xE2801160600002040A4E1B3C", EpcisExport.EpcUri("E2801160600002040A4E1B3C"));
    }

    [Fact]
    public void Each_disposition_event_exports_the_disposition_decided_then_not_the_items_latest()
    {
        const string id = "LP-OVERRIDE-1";
        var item = Snapshot(id, ItemStatus.Dispositioned) with { Disposition = Disposition.Scrap };
        ItemEvent[] events =
        [
            Event(id, 1, ItemEventTypes.Received, ItemStatus.Expected, ItemStatus.Received, "DOCK-IN-01"),
            Event(id, 2, ItemEventTypes.Dispositioned, ItemStatus.Graded, ItemStatus.Dispositioned, "INSP-01") with { DetailsJson = """{"disposition":"Restock","rule":"default"}""" },
            Event(id, 3, ItemEventTypes.DispositionOverridden, ItemStatus.Dispositioned, ItemStatus.Dispositioned, "INSP-01") with { DetailsJson = """{"disposition":"Scrap","override":true}""" },
        ];

        var exported = EpcisExport.Document(item, events, Start)["epcisBody"]!["eventList"]!.AsArray();

        Assert.Equal(["sellable_not_accessible", "non_sellable_other"], exported.Skip(1).Select(e => e!["disposition"]!.GetValue<string>()));
    }

    private static (ItemSnapshot Item, IReadOnlyList<ItemEvent> Events) Lifecycle(string id)
    {
        var item = Snapshot(id, ItemStatus.Restocked) with { Disposition = Disposition.Restock, Grade = Grade.A };
        ItemEvent[] events =
        [
            Event(id, 1, ItemEventTypes.Expected, null, ItemStatus.Expected, null),
            Event(id, 2, ItemEventTypes.Received, ItemStatus.Expected, ItemStatus.Received, "DOCK-IN-01"),
            Event(id, 3, ItemEventTypes.InspectionStarted, ItemStatus.Received, ItemStatus.AwaitingInspection, "INSP-01"),
            Event(id, 4, ItemEventTypes.Graded, ItemStatus.AwaitingInspection, ItemStatus.Graded, "INSP-01"),
            Event(id, 5, ItemEventTypes.Dispositioned, ItemStatus.Graded, ItemStatus.Dispositioned, "INSP-01"),
            Event(id, 6, ItemEventTypes.PutAway, ItemStatus.Dispositioned, ItemStatus.Stored, "RESTOCK-01"),
            Event(id, 7, ItemEventTypes.Completed, ItemStatus.Stored, ItemStatus.Restocked, "RESTOCK-01"),
        ];
        return (item, events);
    }

    private static ItemSnapshot Snapshot(string id, ItemStatus status) => new(
        id, status, "SKU-1", "RMA-1", "NOT_WANTED", "Web", "AMS1", null, null, null, null, 0, false, null, Start, Start, null, null, 7, null);

    private static ItemEvent Event(string id, long seq, string type, ItemStatus? before, ItemStatus after, string? location) =>
        new(Guid.NewGuid(), id, seq, Start.AddMinutes(seq), type, Actor.User("op"), "AMS1", location, before, after, JsonValue.Create("x")!.ToJsonString());
}
