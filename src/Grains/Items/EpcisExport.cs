using System.Globalization;
using System.Text.Json.Nodes;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Items;

/// <summary>
/// An item's custody journal as a GS1 EPCIS 2.0 JSON-LD document of ObjectEvents (bizStep and disposition from the CBV,
/// readPoint = location, bizLocation = warehouse, the RMA as a bizTransaction of type <c>rma</c>).
/// The RMA authorization itself (Expected) is not a physical observation, so it is carried only as the bizTransaction.
/// </summary>
public static class EpcisExport
{
    public const string Context = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

    public static JsonObject Document(ItemSnapshot item, IReadOnlyList<ItemEvent> events, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(events);
        var list = new JsonArray();
        var first = true;
        Interfaces.Items.Disposition? decided = null;
        foreach (var evt in events.Where(e => e.Type != ItemEventTypes.Expected).OrderBy(e => e.Sequence))
        {
            // Each event carries the disposition decided by then, not the item's latest (an override changes it later).
            decided = DecidedIn(evt) ?? decided;
            list.Add(ObjectEvent(item, evt, first, decided ?? item.Disposition));
            first = false;
        }

        return new JsonObject
        {
            ["@context"] = new JsonArray(Context),
            ["type"] = "EPCISDocument",
            ["schemaVersion"] = "2.0",
            ["creationDate"] = Time(createdAt),
            ["epcisBody"] = new JsonObject { ["eventList"] = list },
        };
    }

    /// <summary>The EPC URI of an item: SGTIN pure identity when it decodes, a raw EPC URI for other hex EPCs, else a private URN.</summary>
    public static string EpcUri(string itemId)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        if (Sgtin96.TryDecode(itemId, out var sgtin))
        {
            return sgtin.Uri;
        }

        return itemId.Length % 2 == 0 && itemId.Length >= 8 && itemId.All(Uri.IsHexDigit)
            ? $"urn:epc:raw:{itemId.Length * 4}.x{itemId.ToUpperInvariant()}"
            : $"urn:tracking:item:{Uri.EscapeDataString(itemId)}";
    }

    public static string BizStep(ItemEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return evt.Type switch
        {
            ItemEventTypes.Received or ItemEventTypes.UnexpectedReceived => "receiving",
            ItemEventTypes.InspectionStarted or ItemEventTypes.Graded or ItemEventTypes.Dispositioned or ItemEventTypes.DispositionOverridden => "inspecting",
            ItemEventTypes.PutAway => evt.After == ItemStatus.InRepair ? "repairing" : "storing",
            ItemEventTypes.Moved => "transporting",
            ItemEventTypes.Held or ItemEventTypes.Released => "holding",
            ItemEventTypes.StagedForTransfer => "staging_outbound",
            ItemEventTypes.Departed => "departing",
            ItemEventTypes.Arrived => "arriving",
            ItemEventTypes.MarkedMissing or ItemEventTypes.Found => "stock_taking",
            ItemEventTypes.Completed => evt.After switch
            {
                ItemStatus.Restocked => "stocking",
                ItemStatus.Scrapped => "destroying",
                ItemStatus.Recycled => "decommissioning",
                _ => "shipping",
            },
            _ => "other",
        };
    }

    public static string Disposition(ItemStatus status, Disposition? disposition) => status switch
    {
        ItemStatus.Expected or ItemStatus.Received or ItemStatus.AwaitingInspection or ItemStatus.Graded or ItemStatus.ReturnedToVendor => "returned",
        ItemStatus.Dispositioned => disposition == Interfaces.Items.Disposition.Restock ? "sellable_not_accessible" : "non_sellable_other",
        ItemStatus.Stored => "sellable_not_accessible",
        ItemStatus.Restocked => "sellable_accessible",
        ItemStatus.Liquidated or ItemStatus.Recycled => "disposed",
        ItemStatus.Scrapped => "destroyed",
        ItemStatus.InTransit => "in_transit",
        ItemStatus.OnHold => "unavailable",
        ItemStatus.Missing => "unknown",
        _ => "non_sellable_other",
    };

    /// <summary>The disposition a (possibly overriding) disposition event decided, from its details; null for other events.</summary>
    private static Interfaces.Items.Disposition? DecidedIn(ItemEvent evt)
    {
        if (evt.Type is not (ItemEventTypes.Dispositioned or ItemEventTypes.DispositionOverridden) || evt.DetailsJson is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(evt.DetailsJson)?["disposition"]?.GetValue<string>() is { } name
                && Enum.TryParse<Interfaces.Items.Disposition>(name, ignoreCase: false, out var disposition)
                ? disposition
                : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static JsonObject ObjectEvent(ItemSnapshot item, ItemEvent evt, bool first, Interfaces.Items.Disposition? disposition)
    {
        var result = new JsonObject
        {
            ["type"] = "ObjectEvent",
            ["eventTime"] = Time(evt.At),
            ["eventTimeZoneOffset"] = "+00:00",
            ["eventID"] = $"urn:uuid:{evt.EventId}",
            ["epcList"] = new JsonArray(EpcUri(item.ItemId)),

            // The first record of the object in this warehouse system adds it; the end of its life removes it.
            ["action"] = first ? "ADD" : evt.After is ItemStatus.Scrapped or ItemStatus.Recycled ? "DELETE" : "OBSERVE",
            ["bizStep"] = BizStep(evt),
            ["disposition"] = Disposition(evt.After, disposition),
        };
        if (evt.Warehouse is not null && evt.Location is not null)
        {
            result["readPoint"] = new JsonObject { ["id"] = $"urn:tracking:location:{Uri.EscapeDataString(evt.Warehouse)}:{Uri.EscapeDataString(evt.Location)}" };
        }

        // In transit an object has no business location (CBV); elsewhere it is the warehouse.
        if (evt.Warehouse is not null && evt.After != ItemStatus.InTransit)
        {
            result["bizLocation"] = new JsonObject { ["id"] = $"urn:tracking:warehouse:{Uri.EscapeDataString(evt.Warehouse)}" };
        }

        if (item.RmaId is not null)
        {
            result["bizTransactionList"] = new JsonArray(new JsonObject
            {
                ["type"] = "rma",
                ["bizTransaction"] = $"urn:tracking:rma:{Uri.EscapeDataString(item.RmaId)}",
            });
        }

        return result;
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
