using Orleans.Core.Internal;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Transfers;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Transfers;

/// <summary>Regional hubs, the planner and the transfer lifecycle in the real host on PostgreSQL, through REST and dock gate reads.</summary>
public sealed class RegionalTransferTests(TransferHostFixture fixture) : IClassFixture<TransferHostFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
    private static readonly Actor Operator = Actor.User("op");

    private IGrainFactory Grains => fixture.Host.Grains;

    [Fact]
    public async Task Viewers_see_the_regions_with_their_hub_and_member_warehouses()
    {
        using var viewer = fixture.Host.CreateClient("viewer-key");

        var regions = await ReadAsync<RegionSummary[]>(await viewer.GetAsync("/api/regions"));

        var eu = Assert.Single(regions, r => r.Code == "EU");
        Assert.Equal("AMS1", eu.HubWarehouse);
        Assert.Equal(["AMS1", "BER1"], eu.Warehouses.Order());
        Assert.Contains(regions, r => r.Code == "NA");
    }

    [Fact]
    public async Task A_capability_gap_shows_in_the_backlog_and_the_plan_moves_it_to_a_warehouse_that_can_do_the_work()
    {
        string[] items = ["GAP-BER1-1", "GAP-BER1-2", "GAP-BER1-3"];
        foreach (var id in items)
        {
            await DispositionedToRefurbishAsync(id, "BER1");
        }

        using var viewer = fixture.Host.CreateClient("viewer-key");
        using var manager = fixture.Host.CreateClient("manager-key");
        RegionBacklog backlog = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            backlog = await ReadAsync<RegionBacklog>(await viewer.GetAsync("/api/regions/EU/backlog"));
            return backlog.Warehouses.Single(w => w.Warehouse == "BER1").Stage(BacklogStage.Refurbish)!.Items >= 3;
        }));
        var ber1 = backlog.Warehouses.Single(w => w.Warehouse == "BER1");
        Assert.Null(ber1.Stage(BacklogStage.Refurbish)!.BacklogDays);
        Assert.Contains(ber1.CapabilityGaps, g => g.Stage == BacklogStage.Refurbish && g.Items >= 3);
        Assert.Equal(800, backlog.Warehouses.Single(w => w.Warehouse == "AMS1").Stage(BacklogStage.Inspection)!.DailyCapacity);
        Assert.Contains(backlog.Lanes, l => l.From == "BER1" && l.To == "AMS1");

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/regions/EU/plan", null)).StatusCode);
        var plan = await ReadAsync<RegionPlan>(await manager.PostAsync("/api/regions/EU/plan", null));

        Assert.True(plan.Optimal);
        var planned = Assert.Single(plan.Transfers, t => t.Proposal.Stage == BacklogStage.Refurbish);
        Assert.Equal(("BER1", "AMS1"), (planned.Proposal.From, planned.Proposal.To));
        Assert.True(planned.Proposal.Quantity >= 3);
        Assert.Null(planned.Proposal.FromBacklogDaysBefore);
        Assert.Equal(1.8m * planned.Proposal.Quantity, planned.Proposal.TotalCost);
        Assert.Contains("BER1->AMS1", planned.Proposal.Explanation, StringComparison.Ordinal);

        // More than the auto-approve limit of 2 items: a manager decides.
        Assert.Equal(TransferStatus.Planned, planned.Status);
        Assert.Null(planned.AutoApproval);
        var approved = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{planned.TransferId}/approve", new { note = "ok" }));
        Assert.Equal(TransferStatus.Approved, approved.Status);
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await ReadAsync<TransferSummary[]>(await viewer.GetAsync("/api/transfers?status=Approved"))).Any(t => t.TransferId == planned.TransferId)));

        // Planning again counts the approved transfer as committed: the gap is already on its way to being solved.
        var again = await ReadAsync<RegionPlan>(await manager.PostAsync("/api/regions/EU/plan", null));
        Assert.DoesNotContain(again.Transfers, t => t.Proposal.From == "BER1" && t.Proposal.Stage == BacklogStage.Refurbish);
    }

    [Fact]
    public async Task A_small_proposal_inside_one_region_is_approved_by_policy()
    {
        await DispositionedToRefurbishAsync("GAP-NYC1-1", "NYC1");
        await DispositionedToRefurbishAsync("GAP-NYC1-2", "NYC1");
        using var manager = fixture.Host.CreateClient("manager-key");
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await ReadAsync<RegionBacklog>(await manager.GetAsync("/api/regions/NA/backlog"))).Warehouses.Single(w => w.Warehouse == "NYC1").Stage(BacklogStage.Refurbish)!.Items == 2));

        var plan = await ReadAsync<RegionPlan>(await manager.PostAsync("/api/regions/NA/plan", null));

        var planned = Assert.Single(plan.Transfers, t => t.Proposal.Stage == BacklogStage.Refurbish);
        Assert.Equal(("NYC1", "CHI1", 2), (planned.Proposal.From, planned.Proposal.To, planned.Proposal.Quantity));
        Assert.Equal(TransferStatus.Approved, planned.Status);
        Assert.StartsWith("auto-approved: 2 items", planned.AutoApproval, StringComparison.Ordinal);
        Assert.Equal(TransferStatus.Approved, (await Grains.GetGrain<ITransferGrain>(planned.TransferId).GetAsync())!.Status);
    }

    [Fact]
    public async Task A_transfer_driven_by_rfid_reads_at_both_dock_gates_flags_the_item_that_never_arrived_at_once()
    {
        string[] items = ["XFER-AMS1-1", "XFER-AMS1-2", "XFER-AMS1-3"];
        foreach (var item in items)
        {
            await AwaitingInspectionAsync(item, "AMS1");
        }

        using var manager = fixture.Host.CreateClient("manager-key");
        var created = await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Inspection", quantity = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ReadAsync<TransferSnapshot>(created)).TransferId;
        Assert.Equal($"/api/transfers/{id}", created.Headers.Location?.OriginalString);
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));
        var staged = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items, location = "DOCK-OUT-01" }));
        Assert.Equal(TransferStatus.Staged, staged.Status);
        foreach (var item in items)
        {
            var snapshot = await Item(item);
            Assert.Equal(("DOCK-OUT-01", id), (snapshot.Location, snapshot.TransferId));
        }

        // The outbound gate reads the load leaving (each tag many times, antenna 1 = DOCK-OUT-01): departure, and the
        // ETA from the lane (AMS1->BER1 takes 10 h).
        await Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-OUT").ProcessAsync(Reads("AMS1-GATE-OUT", items));

        TransferSnapshot inTransit = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            inTransit = (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!;
            return inTransit.Items.All(i => i.State == TransferItemState.Departed);
        }));
        Assert.Equal(TransferStatus.InTransit, inTransit.Status);
        Assert.Equal(TimeSpan.FromHours(10), inTransit.Eta - inTransit.DepartedAt);
        Assert.All(inTransit.Items, i => Assert.Equal(TransferItemState.Departed, i.State));
        foreach (var item in items)
        {
            Assert.Equal(ItemStatus.InTransit, (await Item(item)).Status);
        }

        // The load is still at the dock: the gate sees a tag again on its other antenna (or after a restart). That is not
        // an arrival back at the origin.
        var reread = await Grains.ObserveAtGateAsync(GateKind.DockOut, items[0], new ObserveItem("AMS1", "DOCK-OUT-02", "AMS1-GATE-OUT", DateTimeOffset.UtcNow));
        Assert.Equal((ItemStatus.InTransit, id, "AMS1", (string?)null), (reread.Status, reread.TransferId, reread.Warehouse, reread.Location));
        Assert.Equal(TransferItemState.Departed, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Items.Single(i => i.ItemId == items[0]).State);

        Assert.True(await Eventually.HoldsAsync(async () =>
            (await ReadAsync<RegionBacklog>(await manager.GetAsync("/api/regions/EU/backlog"))).Transfers.Any(t => t.TransferId == id && t.Status == TransferStatus.InTransit && t.From == "AMS1" && t.To == "BER1")));

        // Two of the three are read at BER1's inbound dock; the third never shows up.
        await Grains.GetGrain<IRfidGateGrain>("BER1-GATE-IN").ProcessAsync(Reads("BER1-GATE-IN", items.Take(2)));

        foreach (var item in items.Take(2))
        {
            Assert.True(await Eventually.HoldsAsync(async () => (await Item(item)).Warehouse == "BER1"));
            var arrived = await Item(item);
            Assert.Equal(("BER1", "DOCK-IN-01", ItemStatus.AwaitingInspection, (string?)null), (arrived.Warehouse, arrived.Location, arrived.Status, arrived.TransferId));
        }

        Assert.Equal(TransferStatus.Arrived, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status);

        TransferSnapshot received = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            received = await ReadAsync<TransferSnapshot>(await manager.GetAsync($"/api/transfers/{id}"));
            return received.Status == TransferStatus.Received;
        }));
        Assert.Equal(items[2], Assert.Single(received.Items, i => i.State == TransferItemState.Missing).ItemId);
        Assert.Equal(ItemStatus.Missing, (await Item(items[2])).Status);
        var alert = Assert.Single(await Grains.GetGrain<IAlertsGrain>("BER1").GetOpenAsync(), a => a.SubjectId == id);
        Assert.Equal((AlertKind.TransferDiscrepancy, AlertSeverity.Critical), (alert.Kind, alert.Severity));
        Assert.Contains(items[2], alert.Message, StringComparison.Ordinal);

        // Both warehouses' maps and the region's saw the transfer move.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(
            fixture.TransferEvents.Any(e => e.Stream == "warehouse/AMS1" && e.Event.TransferId == id && e.Event.Status == "InTransit")
            && fixture.TransferEvents.Any(e => e.Stream == "warehouse/BER1" && e.Event.TransferId == id && e.Event.Status == "Received")
            && fixture.TransferEvents.Any(e => e.Stream == "region/EU" && e.Event.TransferId == id && e.Event.Status == "Arrived"))));

        var closed = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/close", new { note = "item 3 reported to carrier" }));
        Assert.Equal(TransferStatus.Closed, closed.Status);
        Assert.DoesNotContain(await Grains.GetGrain<IAlertsGrain>("BER1").GetOpenAsync(), a => a.SubjectId == id);

        // The missing item never left: found where it was staged, it is off that transfer and can go on another.
        var found = await Grains.GetGrain<IReturnedItemGrain>(items[2]).ObserveAsync(new ObserveItem("AMS1", "DOCK-OUT-01", "AMS1-GATE-OUT", DateTimeOffset.UtcNow));
        Assert.Equal(("AMS1", "DOCK-OUT-01", ItemStatus.AwaitingInspection, (string?)null), (found.Warehouse, found.Location, found.Status, found.TransferId));
        var next = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Inspection", quantity = 1 }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{next}/approve", null));
        var restaged = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{next}/stage", new { items = new[] { items[2] }, location = "DOCK-OUT-01" }));
        Assert.Equal(TransferItemState.Staged, Assert.Single(restaged.Items).State);
    }

    [Fact]
    public async Task Departed_items_that_arrive_without_a_dock_read_are_not_written_off_at_receipt()
    {
        string[] items = ["ROUTE-AMS1-1", "ROUTE-AMS1-2", "ROUTE-AMS1-3"];
        foreach (var item in items)
        {
            await AwaitingInspectionAsync(item, "AMS1");
        }

        using var manager = fixture.Host.CreateClient("manager-key");
        var id = await StagedAtAms1DockAsync(manager, items);
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));

        // The destination's dock gate misses the second item, first read at its inspection gate; the third went to the
        // wrong warehouse and arrived there. Only the first is read at BER1's dock.
        await Grains.GetGrain<IReturnedItemGrain>(items[1]).ObserveAsync(new ObserveItem("BER1", "INSP-01", "BER1-GATE-INSP", DateTimeOffset.UtcNow));
        await Grains.GetGrain<IReturnedItemGrain>(items[2]).ObserveAsync(new ObserveItem("CHI1", "DOCK-IN-01", "CHI1-GATE-IN", DateTimeOffset.UtcNow));
        await Grains.GetGrain<IRfidGateGrain>("BER1-GATE-IN").ProcessAsync(Reads("BER1-GATE-IN", items.Take(1)));

        TransferSnapshot received = null!;
        Assert.True(await Eventually.HoldsAsync(async () => (received = (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!).Status == TransferStatus.Received));
        Assert.Equal(
            [TransferItemState.Arrived, TransferItemState.Arrived, TransferItemState.Missing],
            items.Select(i => received.Items.Single(e => e.ItemId == i).State).ToArray());

        // None is written off: the second is in BER1's inspection, the third where it was read, and the alert says where.
        Assert.Equal(("BER1", "INSP-01", ItemStatus.AwaitingInspection), ((await Item(items[1])).Warehouse, (await Item(items[1])).Location, (await Item(items[1])).Status));
        Assert.Equal(("CHI1", "DOCK-IN-01"), ((await Item(items[2])).Warehouse, (await Item(items[2])).Location));
        Assert.NotEqual(ItemStatus.Missing, (await Item(items[2])).Status);
        var alert = Assert.Single(await Grains.GetGrain<IAlertsGrain>("BER1").GetOpenAsync(), a => a.SubjectId == id);
        Assert.Contains($"{items[2]} CHI1/DOCK-IN-01", alert.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(items[1], alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dispatch_with_an_item_that_cannot_leave_departs_nothing_and_says_which()
    {
        string[] items = ["HOLD-AMS1-1", "HOLD-AMS1-2"];
        foreach (var item in items)
        {
            await AwaitingInspectionAsync(item, "AMS1");
        }

        using var manager = fixture.Host.CreateClient("manager-key");
        var id = await StagedAtAms1DockAsync(manager, items);
        await Grains.GetGrain<IReturnedItemGrain>(items[1]).HoldAsync(Operator, "damaged box, check before shipping");

        var refused = await manager.PostAsync($"/api/transfers/{id}/dispatch", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("transfer-items-cannot-depart", problem, StringComparison.Ordinal);
        Assert.Contains($"{items[1]} (OnHold)", problem, StringComparison.Ordinal);
        Assert.Equal(TransferStatus.Staged, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status);
        Assert.Equal(("DOCK-OUT-01", "AMS1"), ((await Item(items[0])).Location, (await Item(items[0])).Warehouse));
        Assert.NotEqual(ItemStatus.InTransit, (await Item(items[0])).Status);

        // Released, the load leaves whole.
        await Grains.GetGrain<IReturnedItemGrain>(items[1]).ReleaseAsync(Operator);
        var dispatched = await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));
        Assert.Equal(TransferStatus.InTransit, dispatched.Status);
        foreach (var item in items)
        {
            Assert.Equal(ItemStatus.InTransit, (await Item(item)).Status);
        }
    }

    [Fact]
    public async Task Staging_a_list_with_an_item_that_cannot_leave_stages_none_of_it()
    {
        string[] items = ["STAGE-AMS1-1", "STAGE-AMS1-2"];
        await AwaitingInspectionAsync(items[0], "AMS1");
        await Grains.GetGrain<IReturnedItemGrain>(items[1]).ExpectAsync("RMA-STAGE-1", "SKU-T", "NOT_WANTED", "Web", "AMS1", 0);
        using var manager = fixture.Host.CreateClient("manager-key");
        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Inspection", quantity = 2 }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));

        // The second is only announced (Expected): the call is refused and the first is not staged behind the caller's back.
        var refused = await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items, location = "DOCK-OUT-01" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("transfer-item-not-stageable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Items);
        Assert.Equal(("INSP-01", (string?)null), ((await Item(items[0])).Location, (await Item(items[0])).TransferId));
    }

    [Fact]
    public async Task A_half_arrived_transfer_settles_even_if_its_activation_is_lost_before_the_settle_timer()
    {
        string[] items = ["SETTLE-AMS1-1", "SETTLE-AMS1-2"];
        foreach (var item in items)
        {
            await AwaitingInspectionAsync(item, "AMS1");
        }

        using var manager = fixture.Host.CreateClient("manager-key");
        var id = await StagedAtAms1DockAsync(manager, items);
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));

        // One of two arrives; then the transfer's activation goes (as in a restart) before its settle timer fires.
        await Grains.GetGrain<IRfidGateGrain>("BER1-GATE-IN").ProcessAsync(Reads("BER1-GATE-IN", items.Take(1)));
        Assert.Equal(TransferStatus.Arrived, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status);
        await Grains.GetGrain<ITransferGrain>(id).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        TransferSnapshot settled = null!;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            settled = (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!;
            return settled.Status == TransferStatus.Received;
        }), "the transfer stayed Arrived");
        Assert.Equal(items[1], Assert.Single(settled.Items, i => i.State == TransferItemState.Missing).ItemId);
        Assert.Equal(ItemStatus.Missing, (await Item(items[1])).Status);
    }

    [Fact]
    public async Task A_dispositioned_item_that_leaves_on_a_transfer_gives_up_the_place_held_for_it()
    {
        await DispositionedToRefurbishAsync("HELD-AMS1-1", "AMS1");
        var held = (await Item("HELD-AMS1-1")).Target!;
        var place = Grains.GetGrain<ILocationGrain>($"AMS1/{held.Location}");
        var reservedBefore = (await place.GetSummaryAsync()).Reserved;
        Assert.True(reservedBefore >= 1);

        using var manager = fixture.Host.CreateClient("manager-key");
        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Refurbish", quantity = 1 }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));
        await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "HELD-AMS1-1" }, location = "DOCK-OUT-01" }));
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));

        // Otherwise that place stays taken for good: reservations are stored with the location.
        Assert.Equal(reservedBefore - 1, (await place.GetSummaryAsync()).Reserved);
        var departed = await Item("HELD-AMS1-1");
        Assert.Equal((ItemStatus.InTransit, "AMS1", (string?)null), (departed.Status, departed.Target!.Warehouse, departed.Target.Location));
    }

    [Fact]
    public async Task A_step_whose_write_fails_leaves_the_transfer_as_storage_has_it()
    {
        var transfer = Grains.GetGrain<ITransferGrain>("TR-WRITE-FAILS-1");
        await transfer.CreateAsync(new CreateTransfer("AMS1", "BER1", BacklogStage.Restock, 3, Operator));

        // The database refuses this transfer's next write (as a full disk or a lost connection would).
        await fixture.Database.ExecuteAsync("""
            CREATE FUNCTION refuse_transfer_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.grain_id LIKE '%TR-WRITE-FAILS-1%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_transfer_write BEFORE UPDATE ON grain_state FOR EACH ROW EXECUTE FUNCTION refuse_transfer_write();
            """);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => transfer.ApproveAsync(Operator));
        }
        finally
        {
            await fixture.Database.ExecuteAsync("DROP TRIGGER refuse_transfer_write ON grain_state; DROP FUNCTION refuse_transfer_write();");
        }

        // Not stored, so not approved: the grain does not keep the change it could not write.
        Assert.Equal(TransferStatus.Planned, (await transfer.GetAsync())!.Status);
        Assert.Equal(TransferStatus.Approved, (await transfer.ApproveAsync(Operator)).Status);
    }

    [Fact]
    public async Task Epcs_scanned_in_lower_case_stage_and_receive_the_items_they_name()
    {
        const string epc = "3074257BF7194E40000A0001";
        var item = Grains.GetGrain<IReturnedItemGrain>(epc);
        await item.ReceiveAsync(new ReceiveItem("BER1", "DOCK-IN-01", Operator, Sku: "SKU-T"));
        using var manager = fixture.Host.CreateClient("manager-key");
        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "BER1", to = "AMS1", stage = "Inspection", quantity = 1 }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));

        var staged = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { epc.ToLowerInvariant() }, location = "dock-out-02" }));
        Assert.Equal(epc, Assert.Single(staged.Items).ItemId);
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));
        var received = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/receive", new { items = new[] { epc.ToLowerInvariant() } }));

        Assert.Equal(TransferStatus.Closed, received.Status);
        Assert.Equal(TransferItemState.Arrived, Assert.Single(received.Items).State);
        var arrived = await Item(epc);
        Assert.Equal(("AMS1", "DOCK-IN-01", (string?)null), (arrived.Warehouse, arrived.Location, arrived.TransferId));
        Assert.NotEqual(ItemStatus.InTransit, arrived.Status);
    }

    [Fact]
    public async Task A_transfer_not_arrived_by_its_eta_raises_an_overdue_alert_and_unexpected_items_on_receipt_are_flagged()
    {
        await AwaitingInspectionAsync("LATE-BER1-1", "BER1");
        using var manager = fixture.Host.CreateClient("manager-key");
        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "BER1", to = "AMS1", stage = "Inspection", quantity = 1 }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));
        await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "LATE-BER1-1" }, location = "DOCK-OUT-02" }));

        var dispatched = await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/dispatch", null));
        Assert.Equal(TransferStatus.InTransit, dispatched.Status);

        // The test lane takes about a second and the grace is zero.
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await Grains.GetGrain<IAlertsGrain>("AMS1").GetOpenAsync()).Any(a => a.SubjectId == id && a.Kind == AlertKind.TransferOverdue)));
        Assert.True((await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Overdue);

        // A receipt at a place that does not exist is refused and leaves the transfer watched as it was.
        var nowhere = await manager.PostAsJsonAsync($"/api/transfers/{id}/receive", new { items = new[] { "LATE-BER1-1" }, location = "NOWHERE" });
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Equal((TransferStatus.InTransit, true), ((await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Overdue));
        Assert.Contains(await Grains.GetGrain<IAlertsGrain>("AMS1").GetOpenAsync(), a => a.SubjectId == id && a.Kind == AlertKind.TransferOverdue);

        // A dock read of an item that refuses to arrive (put on hold on the way) stores no arrival: the watch stays on.
        await Grains.GetGrain<IReturnedItemGrain>("LATE-BER1-1").HoldAsync(Operator, "carrier reported damage");
        await Assert.ThrowsAsync<DomainException>(() => Grains.GetGrain<ITransferGrain>(id)
            .RecordDockReadAsync(new TransferDockRead("LATE-BER1-1", "AMS1", "DOCK-IN-01", "AMS1-GATE-IN", GateKind.DockIn, DateTimeOffset.UtcNow)));
        Assert.Equal(TransferStatus.InTransit, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status);
        Assert.Contains(await Grains.GetGrain<IAlertsGrain>("AMS1").GetOpenAsync(), a => a.SubjectId == id && a.Kind == AlertKind.TransferOverdue);
        await Grains.GetGrain<IReturnedItemGrain>("LATE-BER1-1").ReleaseAsync(Operator);

        var received = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/receive", new { items = new[] { "LATE-BER1-1", "NOT-ON-MANIFEST-1" } }));

        Assert.Equal(TransferStatus.Received, received.Status);
        Assert.Equal(TransferItemState.Arrived, received.Items.Single(i => i.ItemId == "LATE-BER1-1").State);
        Assert.Equal(TransferItemState.Unexpected, received.Items.Single(i => i.ItemId == "NOT-ON-MANIFEST-1").State);
        Assert.Equal(("AMS1", "DOCK-IN-01"), ((await Item("LATE-BER1-1")).Warehouse, (await Item("LATE-BER1-1")).Location));
        var open = await Grains.GetGrain<IAlertsGrain>("AMS1").GetOpenAsync();
        Assert.DoesNotContain(open, a => a.SubjectId == id && a.Kind == AlertKind.TransferOverdue);
        Assert.Contains(open, a => a.SubjectId == id && a.Kind == AlertKind.TransferDiscrepancy && a.Message.Contains("NOT-ON-MANIFEST-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_create_retried_with_its_idempotency_key_returns_the_same_transfer()
    {
        using var manager = fixture.Host.CreateClient("manager-key");
        async Task<HttpResponseMessage> CreateAsync(int quantity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/transfers") { Content = JsonContent.Create(new { from = "CHI1", to = "NYC1", stage = "Restock", quantity }) };
            request.Headers.Add("Idempotency-Key", "erp-order-77-transfer");
            return await manager.SendAsync(request);
        }

        var first = await CreateAsync(4);
        var retried = await CreateAsync(4);
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, retried.StatusCode));
        var id = (await ReadAsync<TransferSnapshot>(first)).TransferId;
        Assert.Equal(id, (await ReadAsync<TransferSnapshot>(retried)).TransferId);
        Assert.Equal(first.Headers.Location, retried.Headers.Location);

        // The same key for a different request is a mistake, not a new transfer.
        Assert.Equal(HttpStatusCode.Conflict, (await CreateAsync(5)).StatusCode);
        Assert.True(await Eventually.HoldsAsync(async () =>
            (await ReadAsync<TransferSummary[]>(await manager.GetAsync("/api/transfers"))).Count(t => t.TransferId == id) == 1));
    }

    [Fact]
    public async Task Bad_requests_illegal_steps_and_missing_roles_get_precise_answers()
    {
        using var manager = fixture.Host.CreateClient("manager-key");
        using var operatorClient = fixture.Host.CreateClient("operator-key");
        using var anonymous = fixture.Host.CreateClient(apiKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/transfers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/regions/XX/backlog")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/transfers/TR-NOPE-1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/api/transfers?status=Flying")).StatusCode);
        // Names only: "Approved,Staged" would otherwise be read as the two OR-ed together, a third status.
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/api/transfers?status=Approved,Staged")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync("/api/transfers?status=2")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Refurbish,VendorReturn", quantity = 1 })).StatusCode);
        var noLane = await manager.PostAsJsonAsync("/api/transfers", new { from = "BER1", to = "CHI1", stage = "Teleport", quantity = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, noLane.StatusCode);
        var problem = await noLane.Content.ReadAsStringAsync();
        Assert.Contains("no lane from BER1 to CHI1", problem, StringComparison.Ordinal);
        Assert.Contains("'Teleport' is not a stage", problem, StringComparison.Ordinal);

        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Restock", quantity = 5 }))).TransferId;
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsync($"/api/transfers/{id}/approve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "X" }, location = "DOCK-OUT-01" })).StatusCode);
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));
        var twice = await manager.PostAsync($"/api/transfers/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("transfer-illegal-transition", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notOutbound = await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "X" }, location = "INSP-01" });
        Assert.Equal(HttpStatusCode.BadRequest, notOutbound.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "NO-SUCH-ITEM" }, location = "DOCK-OUT-01" })).StatusCode);
        var badIds = await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items = new[] { "LP-1/../LP-2", "LP-\u0007" }, location = "DOCK-OUT-01" });
        Assert.Equal(HttpStatusCode.BadRequest, badIds.StatusCode);
        Assert.Contains("LP-1/../LP-2", await badIds.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync($"/api/transfers/{id}/receive", new { items = new[] { new string('E', 200) } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync($"/api/transfers/{id}/reject", new { reason = "" })).StatusCode);

        var rejected = await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/reject", new { reason = "not needed" }));
        Assert.Equal(TransferStatus.Cancelled, rejected.Status);
        Assert.Equal(TransferStatus.Cancelled, (await Grains.GetGrain<ITransferGrain>(id).GetAsync())!.Status);
    }

    /// <summary>What a real gate sends: every tag read several times, strongest on antenna 1, weaker on antenna 2.</summary>
    private static RfidReadBatch Reads(string readerId, IEnumerable<string> epcs)
    {
        var at = DateTimeOffset.UtcNow;
        return new RfidReadBatch(readerId, [.. epcs.SelectMany(e => new[]
        {
            new RfidRead(e, 1, -55, at, 12),
            new RfidRead(e, 2, -71, at.AddMilliseconds(20), 3),
            new RfidRead(e, 1, -54, at.AddMilliseconds(40), 9),
        })]);
    }

    /// <summary>An approved AMS1 to BER1 transfer of inspection work with <paramref name="items"/> staged at DOCK-OUT-01.</summary>
    private static async Task<string> StagedAtAms1DockAsync(HttpClient manager, string[] items)
    {
        var id = (await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync("/api/transfers", new { from = "AMS1", to = "BER1", stage = "Inspection", quantity = items.Length }))).TransferId;
        await ReadAsync<TransferSnapshot>(await manager.PostAsync($"/api/transfers/{id}/approve", null));
        await ReadAsync<TransferSnapshot>(await manager.PostAsJsonAsync($"/api/transfers/{id}/stage", new { items, location = "DOCK-OUT-01" }));
        return id;
    }

    private async Task<ItemSnapshot> Item(string id) => (await Grains.GetGrain<IReturnedItemGrain>(id).GetAsync())!;

    private async Task AwaitingInspectionAsync(string id, string warehouse)
    {
        var item = Grains.GetGrain<IReturnedItemGrain>(id);
        await item.ReceiveAsync(new ReceiveItem(warehouse, "DOCK-IN-01", Operator, Sku: "SKU-T"));
        await item.CompleteMoveAsync(new CompleteMove(warehouse, "INSP-01", Operator));
    }

    private async Task DispositionedToRefurbishAsync(string id, string warehouse)
    {
        await AwaitingInspectionAsync(id, warehouse);
        var item = Grains.GetGrain<IReturnedItemGrain>(id);
        await item.GradeAsync(new GradeItem(Grade.C, Actor.User("inspector")));
        await item.DispositionAsync(new DispositionItem(Operator, Disposition.Refurbish, "repairable, send for refurbishment"));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }
}
