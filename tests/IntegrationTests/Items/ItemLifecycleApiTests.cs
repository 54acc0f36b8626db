using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.Tests.Shared;

namespace Tracking.IntegrationTests.Items;

/// <summary>The item lifecycle through the real REST API on a silo with PostgreSQL storage.</summary>
public sealed class ItemLifecycleApiTests(LifecycleHostFixture fixture) : IClassFixture<LifecycleHostFixture>
{
    private const string Epc = "3074257BF7194E4000001A85";
    private readonly TrackingHost _host = fixture.Host;

    [Fact]
    public async Task An_item_goes_from_RMA_through_receipt_grading_and_disposition_to_restocked()
    {
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");
        using var viewer = _host.CreateClient("viewer-key");

        var created = await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-FULL-1",
            orderReference = "ORD-1001",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnGrading",
            lines = new[] { new { sku = "SKU-TV-55", quantity = 1, reasonCode = "NOT_WANTED", serial = Epc.ToLowerInvariant(), unitValue = 899m } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(ItemStatus.Expected, (await (await viewer.GetAsync($"/api/items/{Epc}")).ReadAsync<ItemSnapshot>()).Status);

        var received = await (await operatorClient.PostJsonAsync($"/api/items/{Epc.ToLowerInvariant()}/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Received, "RMA-FULL-1", "SKU-TV-55", 5, false), (received.Status, received.RmaId, received.Sku, received.Priority, received.Unexpected));
        Assert.Equal(("80614141123458", "urn:epc:id:sgtin:0614141.812345.6789"), (received.Gtin, received.EpcUri));

        var queue = await Eventually(
            async () => await (await viewer.GetAsync("/api/warehouses/AMS1/inspection-queue")).ReadAsync<List<InspectionQueueEntry>>(),
            q => q.Any(e => e.ItemId == Epc));
        var entry = queue.Single(e => e.ItemId == Epc);
        Assert.Equal((5, false, "DOCK-IN-01"), (entry.Priority, entry.Overdue, entry.Location));
        Assert.Single(await (await viewer.GetAsync("/api/warehouses/AMS1/inspection-queue?limit=1")).ReadAsync<List<InspectionQueueEntry>>());
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.GetAsync("/api/warehouses/AMS1/inspection-queue?limit=0")).StatusCode);

        // Moves come from gates and AGVs (device bridge); here the transport reports done directly.
        var item = _host.Grains.GetGrain<IReturnedItemGrain>(Epc);
        await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-02", Actor.Device("acme/AMS1-AGV-01")));
        var graded = await (await inspector.PostJsonAsync($"/api/items/{Epc}/grade", new
        {
            grade = "A",
            notes = "sealed box",
            photoUrls = new[] { "https://photos.example/tv-1.jpg" },
            category = "Electronics",
            value = 899m,
        })).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Graded, Grade.A), (graded.Status, graded.Grade));

        var dispositioned = await (await inspector.PostJsonAsync($"/api/items/{Epc}/disposition", new { })).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Dispositioned, Disposition.Restock, ZoneType.Restock), (dispositioned.Status, dispositioned.Disposition, dispositioned.Target!.ZoneType));
        Assert.Equal("RESTOCK-04", dispositioned.Target.Location);

        await item.CompleteMoveAsync(new CompleteMove("AMS1", "RESTOCK-04", Actor.Device("acme/AMS1-AGV-01")));
        await item.CompleteAsync(Actor.User("operator-test"));

        var final = await (await viewer.GetAsync($"/api/items/{Epc}")).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Restocked, "RESTOCK-04"), (final.Status, final.Location));
        var history = await (await viewer.GetAsync($"/api/items/{Epc}/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal(["Expected", "Received", "InspectionStarted", "Graded", "Dispositioned", "PutAway", "Completed"], history.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), history.Select(e => e.Sequence));
        Assert.Equal(("manager-test", "operator-test", "inspector-test"), (history[0].Actor.Id == "system" ? "manager-test" : history[0].Actor.Id, history[1].Actor.Id, history[3].Actor.Id));
        Assert.Equal(7L, await fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM item_journal WHERE item_id = '{Epc}'"));

        // Finished, it has left the returns floor: RESTOCK-04 no longer holds or counts it (decision 0022).
        Assert.DoesNotContain(Epc, (await _host.Grains.GetGrain<ILocationGrain>("AMS1/RESTOCK-04").GetContentsAsync()).Items);
        var inventory = await Eventually(
            async () => await (await viewer.GetAsync("/api/warehouses/AMS1/inventory")).ReadAsync<WarehouseInventory>(),
            i => !i.Locations.Any(l => l.Location == "RESTOCK-04" && l.Count > 0));
        Assert.Equal(0, inventory.ByStatus.GetValueOrDefault(ItemStatus.Restocked));
        var rma = await (await viewer.GetAsync("/api/rmas/RMA-FULL-1")).ReadAsync<RmaSnapshot>();
        Assert.Equal((RmaStatus.Received, 1), (rma.Status, rma.Lines[0].Received));
        Assert.Equal([Epc], rma.RefundsDue);

        var epcis = JsonNode.Parse(await viewer.GetStringAsync($"/api/items/{Epc}/epcis"))!;
        var schema = await EpcisSchema.LoadAsync(SharedFiles.Path("protocols", "epcis-2.0", "epcis-schema.json"));
        Assert.Empty(EpcisSchema.Validate(schema, epcis));
        Assert.Equal(6, epcis["epcisBody"]!["eventList"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_barcode_serial_on_an_rma_names_the_item_exactly_as_a_scan_of_its_label_does()
    {
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        var created = await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-BARCODE-1",
            orderReference = "ORD-BC-1",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new[] { new { sku = "SKU-BC", quantity = 1, reasonCode = "NOT_WANTED", serial = "lp-bc-1001" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // A barcode keeps its case (only EPCs, hex, are upper-cased): the RMA announced the item the scanner will read.
        Assert.Equal(ItemStatus.Expected, (await (await operatorClient.GetAsync("/api/items/lp-bc-1001")).ReadAsync<ItemSnapshot>()).Status);
        var received = await (await operatorClient.PostJsonAsync("/api/items/lp-bc-1001/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).ReadAsync<ItemSnapshot>();
        Assert.Equal(("RMA-BARCODE-1", false), (received.RmaId, received.Unexpected));
    }

    [Fact]
    public async Task A_note_with_a_nul_character_is_stored_with_a_replacement_character_and_breaks_nothing()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        (await operatorClient.PostJsonAsync("/api/items/LP-NUL-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).EnsureSuccessStatusCode();

        // PostgreSQL's jsonb refuses \u0000; before, the refused row failed its whole batched write (and other grains' with it).
        var held = await operatorClient.PostJsonAsync("/api/items/LP-NUL-1/hold", new { reason = "wet\0box \uD800" });
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);

        var history = await (await operatorClient.GetAsync("/api/items/LP-NUL-1/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal(["UnexpectedReceived", "Held"], history.Select(e => e.Type));
        Assert.Contains("wet\uFFFDbox \uFFFD", JsonNode.Parse(history[1].DetailsJson!)!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        (await operatorClient.PostAsync("/api/items/LP-NUL-1/release", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task An_unexpected_item_alert_is_listed_and_cleared_by_an_operator_once_reviewed()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        using var viewer = _host.CreateClient("viewer-key");
        (await operatorClient.PostJsonAsync("/api/items/LP-ALERT-1/receive", new { warehouse = "BER1", location = "DOCK-IN-01" })).EnsureSuccessStatusCode();
        const string alertId = "unexpected-tag:LP-ALERT-1";

        var open = await (await viewer.GetAsync("/api/warehouses/ber1/alerts")).ReadAsync<List<Alert>>();
        Assert.Contains(open, a => a.AlertId == alertId && a.Kind == AlertKind.UnexpectedTag);

        var path = $"/api/warehouses/BER1/alerts/{Uri.EscapeDataString(alertId)}/clear";
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(path, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await operatorClient.PostAsync(path, null)).StatusCode);
        Assert.DoesNotContain(await (await viewer.GetAsync("/api/warehouses/BER1/alerts")).ReadAsync<List<Alert>>(), a => a.AlertId == alertId);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync(path, null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/warehouses/NOPE/alerts")).StatusCode);
    }

    [Fact]
    public async Task Codes_written_in_another_case_are_kept_as_the_site_spells_them()
    {
        using var operatorClient = _host.CreateClient("operator-key");

        var received = await (await operatorClient.PostJsonAsync("/api/items/LP-CASE-1/receive", new { warehouse = "ams1", location = "dock-in-01" })).ReadAsync<ItemSnapshot>();
        var moved = await _host.Grains.GetGrain<IReturnedItemGrain>("LP-CASE-1").CompleteMoveAsync(new CompleteMove("Ams1", "insp-01", Actor.User("op")));

        // Grain keys, streams and location rows are case-sensitive: a lower-case copy would be a second, unwatched warehouse.
        Assert.Equal(("AMS1", "DOCK-IN-01"), (received.Warehouse, received.Location));
        Assert.Equal(("AMS1", "INSP-01", ItemStatus.AwaitingInspection), (moved.Warehouse, moved.Location, moved.Status));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM item_journal WHERE item_id = 'LP-CASE-1' AND (warehouse <> 'AMS1' OR location NOT IN ('DOCK-IN-01', 'INSP-01'))"));
        Assert.Equal(2L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM item_journal WHERE item_id = 'LP-CASE-1'"));
    }

    [Fact]
    public async Task An_illegal_transition_is_a_409_problem_and_changes_nothing()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");
        (await operatorClient.PostJsonAsync("/api/items/LP-ILLEGAL-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-02" })).EnsureSuccessStatusCode();
        var before = await operatorClient.GetStringAsync("/api/items/LP-ILLEGAL-1");

        var disposition = await inspector.PostJsonAsync("/api/items/LP-ILLEGAL-1/disposition", new { });
        var again = await operatorClient.PostJsonAsync("/api/items/LP-ILLEGAL-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-02" });
        var release = await operatorClient.PostAsync("/api/items/LP-ILLEGAL-1/release", null);

        foreach (var response in new[] { disposition, again, release })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.ReadAsync<ProblemDetails>();
            Assert.Equal(409, problem.Status);
            Assert.Equal("illegal-transition", problem.Extensions["code"]?.ToString());
            Assert.Contains("LP-ILLEGAL-1", problem.Detail, StringComparison.Ordinal);
        }

        Assert.Equal(before, await operatorClient.GetStringAsync("/api/items/LP-ILLEGAL-1"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM item_journal WHERE item_id = 'LP-ILLEGAL-1'"));
    }

    [Fact]
    public async Task Bad_requests_are_400_and_unknown_items_404()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");

        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostJsonAsync("/api/items/LP-BAD/receive", new { warehouse = "AMS1", location = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostJsonAsync("/api/items/LP-BAD/receive", new { warehouse = "AMS1", location = "NOWHERE" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.PostJsonAsync("/api/items/LP-BAD/hold", new { reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await inspector.PostJsonAsync("/api/items/LP-BAD/grade", new { grade = "Z" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await inspector.PostJsonAsync("/api/items/LP-BAD/disposition", new { @override = "Scrap" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/api/items/LP-NEVER-SEEN")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/api/items/LP-NEVER-SEEN/history")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await inspector.PostJsonAsync("/api/items/LP-NEVER-SEEN/grade", new { grade = "A" })).StatusCode);
        Assert.Null(await _host.Grains.GetGrain<IReturnedItemGrain>("LP-BAD").GetAsync());

        using var manager = _host.CreateClient("manager-key");
        var nullLine = await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-NULL-LINE",
            channel = "Web",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new object?[] { null },
        });
        Assert.Equal(HttpStatusCode.BadRequest, nullLine.StatusCode);
        Assert.Contains("null is not a line", await nullLine.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receipt_naming_an_rma_that_does_not_exist_is_a_404_and_changes_nothing()
    {
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        (await PostRmaAsync(manager, "RMA-TYPO-1", "AMS1", new { sku = "SKU-TYPO", quantity = 1, reasonCode = "NOT_WANTED" })).EnsureSuccessStatusCode();

        var mistyped = await operatorClient.PostJsonAsync("/api/items/LP-TYPO-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "rma-typo-1", sku = "SKU-TYPO" });
        Assert.Equal(HttpStatusCode.NotFound, mistyped.StatusCode);
        Assert.Contains("rma-typo-1", (await mistyped.ReadAsync<ProblemDetails>()).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync("/api/items/LP-TYPO-1")).StatusCode);

        // The right id then counts the unit against its line.
        var received = await (await operatorClient.PostJsonAsync("/api/items/LP-TYPO-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "RMA-TYPO-1", sku = "SKU-TYPO" })).ReadAsync<ItemSnapshot>();
        Assert.Equal(("RMA-TYPO-1", false), (received.RmaId, received.Unexpected));
    }

    [Fact]
    public async Task A_unit_received_before_its_rma_was_imported_is_claimed_by_the_rma_and_counted()
    {
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        using var viewer = _host.CreateClient("viewer-key");
        var early = await (await operatorClient.PostJsonAsync("/api/items/LP-LATE-1/receive", new { warehouse = "BER1", location = "DOCK-IN-01" })).ReadAsync<ItemSnapshot>();
        Assert.True(early.Unexpected);

        (await PostRmaAsync(manager, "RMA-LATE-1", "BER1", new { sku = "SKU-LATE", quantity = 1, reasonCode = "NOT_WANTED", serial = "LP-LATE-1" })).EnsureSuccessStatusCode();

        var claimed = await (await viewer.GetAsync("/api/items/LP-LATE-1")).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Received, "RMA-LATE-1", "SKU-LATE", false), (claimed.Status, claimed.RmaId, claimed.Sku, claimed.Unexpected));
        var rma = await (await viewer.GetAsync("/api/rmas/RMA-LATE-1")).ReadAsync<RmaSnapshot>();
        Assert.Equal((RmaStatus.Received, 1), (rma.Status, rma.Lines[0].Received));
        Assert.Equal(["LP-LATE-1"], rma.RefundsDue);
        Assert.DoesNotContain(await (await viewer.GetAsync("/api/warehouses/BER1/alerts")).ReadAsync<List<Alert>>(), a => a.AlertId == "unexpected-tag:LP-LATE-1");
        var history = await (await viewer.GetAsync("/api/items/LP-LATE-1/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal(["UnexpectedReceived", "RmaMatched"], history.Select(e => e.Type));
    }

    [Fact]
    public async Task A_restocked_unit_returned_again_under_a_new_rma_starts_a_new_return_cycle()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-AGAIN-1");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op"), null, "SKU-AGAIN"));
        await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-01", Actor.User("op")));
        await item.GradeAsync(new GradeItem(Grade.A, Actor.User("inspector")));
        var dispositioned = await item.DispositionAsync(new DispositionItem(Actor.User("inspector")));
        await item.CompleteMoveAsync(new CompleteMove("AMS1", dispositioned.Target!.Location!, Actor.User("op")));
        Assert.Equal(ItemStatus.Restocked, (await item.CompleteAsync(Actor.User("op"))).Status);

        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        (await PostRmaAsync(manager, "RMA-AGAIN-2", "AMS1", new { sku = "SKU-AGAIN", quantity = 1, reasonCode = "DEFECTIVE", serial = "LP-AGAIN-1" })).EnsureSuccessStatusCode();

        var expected = (await item.GetAsync())!;
        Assert.Equal((ItemStatus.Expected, "RMA-AGAIN-2", (Grade?)null, (Disposition?)null), (expected.Status, expected.RmaId, expected.Grade, expected.Disposition));
        var received = await (await operatorClient.PostJsonAsync("/api/items/LP-AGAIN-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Received, false), (received.Status, received.Unexpected));
        var history = await item.GetHistoryAsync();
        Assert.Equal(["Completed", "Expected", "Received"], history.Skip(history.Count - 3).Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e.Sequence));
    }

    [Fact]
    public async Task Each_call_needs_its_role()
    {
        using var viewer = _host.CreateClient("viewer-key");
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");
        using var anonymous = _host.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostJsonAsync("/api/items/LP-ROLE/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostJsonAsync("/api/items/LP-ROLE/grade", new { grade = "A" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await inspector.PostJsonAsync("/api/rmas", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync("/api/rmas/import", new StringContent("x", System.Text.Encoding.UTF8, "text/csv"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/warehouses")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/warehouses")).StatusCode);
        Assert.Null(await _host.Grains.GetGrain<IReturnedItemGrain>("LP-ROLE").GetAsync());
    }

    [Fact]
    public async Task An_rma_posted_without_an_id_gets_a_fresh_one_from_the_server()
    {
        using var manager = _host.CreateClient("manager-key");
        var body = new
        {
            orderReference = "ORD-NO-ID",
            channel = "Store",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new[] { new { sku = "SKU-NO-ID", quantity = 1, reasonCode = "NOT_WANTED" } },
        };

        var first = await manager.PostJsonAsync("/api/rmas", body);
        var second = await manager.PostJsonAsync("/api/rmas", body);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        var (one, two) = (await first.ReadAsync<RmaSnapshot>(), await second.ReadAsync<RmaSnapshot>());
        Assert.Matches("^RMA-[0-9A-F]{16}$", one.RmaId);
        Assert.NotEqual(one.RmaId, two.RmaId);
        Assert.Equal($"/api/rmas/{one.RmaId}", first.Headers.Location?.OriginalString);
        Assert.Equal("ORD-NO-ID", (await (await manager.GetAsync(first.Headers.Location)).ReadAsync<RmaSnapshot>()).OrderReference);
    }

    [Fact]
    public async Task A_partial_receipt_tracks_what_is_still_owed_and_an_extra_unit_is_flagged()
    {
        using var manager = _host.CreateClient("manager-key");
        using var operatorClient = _host.CreateClient("operator-key");
        (await manager.PostJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-PART-1",
            orderReference = "ORD-2002",
            channel = "Marketplace",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnGrading",
            lines = new[] { new { sku = "SKU-SOCK", quantity = 3, reasonCode = "SIZE_TOO_SMALL" } },
        })).EnsureSuccessStatusCode();

        async Task<HttpResponseMessage> Receive(string id) =>
            await operatorClient.PostJsonAsync($"/api/items/{id}/receive", new { warehouse = "AMS1", location = "DOCK-IN-01", rmaId = "RMA-PART-1", sku = "SKU-SOCK" });
        async Task<RmaSnapshot> Rma() => await (await operatorClient.GetAsync("/api/rmas/RMA-PART-1")).ReadAsync<RmaSnapshot>();

        (await Receive("LP-PART-1")).EnsureSuccessStatusCode();
        var partial = await Rma();
        Assert.Equal((RmaStatus.PartiallyReceived, 1, 2), (partial.Status, partial.Lines[0].Received, partial.Lines[0].Remaining));

        Assert.Equal(HttpStatusCode.Conflict, (await Receive("LP-PART-1")).StatusCode);
        Assert.Equal(1, (await Rma()).Lines[0].Received);

        (await Receive("LP-PART-2")).EnsureSuccessStatusCode();
        (await Receive("LP-PART-3")).EnsureSuccessStatusCode();
        var full = await Rma();
        Assert.Equal((RmaStatus.Received, 3, 0), (full.Status, full.Lines[0].Received, full.Lines[0].Remaining));
        Assert.Equal(["LP-PART-1", "LP-PART-2", "LP-PART-3"], full.Lines[0].Items);

        var extra = await (await Receive("LP-PART-4")).ReadAsync<ItemSnapshot>();
        Assert.Equal((ItemStatus.Received, true), (extra.Status, extra.Unexpected));
        Assert.Equal(3, (await Rma()).Lines[0].Received);
    }

    [Fact]
    public async Task Fifty_parallel_calls_on_one_item_leave_it_consistent_with_every_event_journaled()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");
        (await operatorClient.PostJsonAsync("/api/items/LP-RACE-1/receive", new { warehouse = "AMS1", location = "DOCK-IN-01" })).EnsureSuccessStatusCode();

        var calls = Enumerable.Range(0, 50).Select(i => (i % 3) switch
        {
            0 => operatorClient.PostJsonAsync("/api/items/LP-RACE-1/hold", new { reason = $"check {i}" }),
            1 => operatorClient.PostAsync("/api/items/LP-RACE-1/release", null),
            _ => inspector.PostJsonAsync("/api/items/LP-RACE-1/grade", new { grade = "B", notes = $"pass {i}" }),
        });
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var succeeded = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.True(succeeded > 0);
        var item = await (await operatorClient.GetAsync("/api/items/LP-RACE-1")).ReadAsync<ItemSnapshot>();
        var history = await (await operatorClient.GetAsync("/api/items/LP-RACE-1/history")).ReadAsync<List<ItemEvent>>();
        Assert.Equal(1 + succeeded, item.Version);
        Assert.Equal(Enumerable.Range(1, 1 + succeeded).Select(i => (long)i), history.Select(e => e.Sequence));
        Assert.Equal(item.Version, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM item_journal WHERE item_id = 'LP-RACE-1'"));

        // Each event starts where the one before ended, and the last one ends where the item is.
        for (var i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].After, history[i].Before);
        }

        Assert.Equal(history[^1].After, item.Status);
    }

    [Fact]
    public async Task An_override_needs_a_reason_and_is_audited_with_what_the_rules_said()
    {
        using var operatorClient = _host.CreateClient("operator-key");
        using var inspector = _host.CreateClient("inspector-key");
        (await operatorClient.PostJsonAsync("/api/items/LP-OVR-1/receive", new { warehouse = "CHI1", location = "DOCK-IN-01" })).EnsureSuccessStatusCode();
        (await inspector.PostJsonAsync("/api/items/LP-OVR-1/grade", new { grade = "A" })).EnsureSuccessStatusCode();

        var overridden = await (await inspector.PostJsonAsync("/api/items/LP-OVR-1/disposition", new { @override = "Liquidate", overrideReason = "seasonal stock, sell off" })).ReadAsync<ItemSnapshot>();

        Assert.Equal((Disposition.Liquidate, ZoneType.Liquidation), (overridden.Disposition, overridden.Target!.ZoneType));
        var audit = (await (await operatorClient.GetAsync("/api/items/LP-OVR-1/history")).ReadAsync<List<ItemEvent>>())[^1];
        Assert.Equal(("DispositionOverridden", "inspector-test"), (audit.Type, audit.Actor.Id));
        var details = JsonNode.Parse(audit.DetailsJson!)!;
        Assert.Equal("seasonal stock, sell off", details["overrideReason"]!.GetValue<string>());
        Assert.Equal("Restock", details["rulesSaid"]!.GetValue<string>());
    }

    /// <summary>A one-line RMA, refund on receipt, of the web channel.</summary>
    private static Task<HttpResponseMessage> PostRmaAsync(HttpClient manager, string rmaId, string warehouse, object line) =>
        manager.PostJsonAsync("/api/rmas", new
        {
            rmaId,
            orderReference = $"ORD-{rmaId}",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = warehouse,
            refundPolicy = "OnReceipt",
            lines = new[] { line },
        });

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
