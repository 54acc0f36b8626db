using Orleans.Core.Internal;
using System.Globalization;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Items;

/// <summary>The item grain in the real host (memory storage): the lifecycle end to end through grain calls.</summary>
public sealed class ReturnedItemGrainTests(ReturnedItemGrainTests.MemoryHostFixture fixture) : IClassFixture<ReturnedItemGrainTests.MemoryHostFixture>
{
    private static readonly Actor Operator = Actor.User("op");
    private readonly TrackingHost _host = fixture.Host;

    [Fact]
    public async Task An_expected_item_read_at_a_dock_is_received_and_journaled()
    {
        var epc = "3074257BF7194E4000001A85";
        var rma = _host.Grains.GetGrain<IRmaGrain>("RMA-DOCK-1");
        await rma.CreateAsync(new CreateRma("ORD-1", RmaChannel.Web, "EU", "AMS1", RefundPolicy.OnGrading, [new RmaLine("SKU-1", 1, "DEFECTIVE", epc)], Operator));
        var item = _host.Grains.GetGrain<IReturnedItemGrain>(epc);
        Assert.Equal(ItemStatus.Expected, (await item.GetAsync())!.Status);

        var received = await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-01", "AMS1-GATE-IN", DateTimeOffset.UtcNow));

        Assert.Equal(ItemStatus.Received, received.Status);
        Assert.False(received.Unexpected);
        Assert.Equal("urn:epc:id:sgtin:0614141.812345.6789", received.EpcUri);
        Assert.Equal("80614141123458", received.Gtin);
        var history = await item.GetHistoryAsync();
        Assert.Equal(["Expected", "Received"], history.Select(e => e.Type));
        Assert.Equal([1L, 2L], history.Select(e => e.Sequence));
        Assert.Equal(ActorKind.Device, history[1].Actor.Kind);
        Assert.Equal(RmaStatus.Received, (await rma.GetAsync())!.Status);
    }

    [Fact]
    public async Task An_unknown_tag_at_a_dock_becomes_an_unexpected_received_item()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("E2000000000000000000BEEF");
        var snapshot = await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-02", "AMS1-GATE-IN", DateTimeOffset.UtcNow));

        Assert.Equal(ItemStatus.Received, snapshot.Status);
        Assert.True(snapshot.Unexpected);
        Assert.Null(snapshot.Gtin);
        Assert.Equal("UnexpectedReceived", Assert.Single(await item.GetHistoryAsync()).Type);
    }

    [Fact]
    public async Task An_item_goes_from_receipt_to_restocked_and_then_no_longer_takes_room_on_the_floor()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-0001");
        await _host.Grains.GetGrain<IRmaGrain>("RMA-FLOW-1").CreateAsync(
            new CreateRma("ORD-2", RmaChannel.Store, "EU", "AMS1", RefundPolicy.OnReceipt, [new RmaLine("SKU-9", 2, "NOT_WANTED")], Operator));

        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Operator, "RMA-FLOW-1", "SKU-9"));
        Assert.Equal(ItemStatus.AwaitingInspection, (await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-01", Operator))).Status);
        await item.GradeAsync(new GradeItem(Grade.A, Actor.User("inspector")));
        var dispositioned = await item.DispositionAsync(new DispositionItem(Operator));
        Assert.Equal(Disposition.Restock, dispositioned.Disposition);
        Assert.Equal(ZoneType.Restock, dispositioned.Target!.ZoneType);
        Assert.NotNull(dispositioned.Target.Location);
        var stored = await item.CompleteMoveAsync(new CompleteMove("AMS1", dispositioned.Target.Location!, Operator));
        Assert.Equal(ItemStatus.Stored, stored.Status);
        var done = await item.CompleteAsync(Operator);
        Assert.Equal(ItemStatus.Restocked, done.Status);

        var history = await item.GetHistoryAsync();
        Assert.Equal(["Received", "InspectionStarted", "Graded", "Dispositioned", "PutAway", "Completed"], history.Select(e => e.Type));
        // Event ids are UUID version 7 carrying the event's own time: the journal's index appends instead of scattering.
        Assert.All(history, e =>
        {
            Assert.Equal(7, e.EventId.Version);
            Assert.Equal(e.At.ToUnixTimeMilliseconds(), long.Parse(e.EventId.ToString("N")[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        });
        // Restocked, it has left the returns floor (into sellable stock): it keeps its last location for the record, but
        // that location no longer lists it or counts it against its capacity (decision 0022).
        Assert.Equal(stored.Location, done.Location);
        var contents = await _host.Grains.GetGrain<ILocationGrain>($"AMS1/{stored.Location}").GetContentsAsync();
        Assert.DoesNotContain("LP-0001", contents.Items);

        // Each location reports on its own timer, so for up to one flush interval the warehouse may still hold the
        // inspection area's report from before the item left it (decision 0003): wait for every figure, not the first.
        var warehouse = _host.Grains.GetGrain<IWarehouseGrain>("AMS1");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        WarehouseInventory inventory;
        do
        {
            inventory = await warehouse.GetInventoryAsync();
            if (inventory.ByStatus.GetValueOrDefault(ItemStatus.Restocked) == 0
                && inventory.Locations.Single(l => l.Location == stored.Location).Count == 0)
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(0, inventory.ByStatus.GetValueOrDefault(ItemStatus.Restocked));
        Assert.Equal(0, inventory.Locations.Single(l => l.Location == stored.Location).Count);
        var rma = await _host.Grains.GetGrain<IRmaGrain>("RMA-FLOW-1").GetAsync();
        Assert.Equal(RmaStatus.PartiallyReceived, rma!.Status);
        Assert.Equal(["LP-0001"], rma.RefundsDue);
    }

    [Fact]
    public async Task An_illegal_transition_is_a_conflict_and_changes_nothing()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-ILLEGAL");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Operator));
        var before = await item.GetAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => item.DispositionAsync(new DispositionItem(Operator)));

        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Equal(before, await item.GetAsync());
        Assert.Single(await item.GetHistoryAsync());
    }

    [Fact]
    public async Task A_transfer_takes_an_item_through_transit_to_the_other_warehouse()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-TRANSFER");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Operator));
        await item.StageForTransferAsync("T-1", "DOCK-OUT-01", Operator);
        Assert.Equal(ItemStatus.InTransit, (await item.DepartAsync("T-1", Operator)).Status);
        var arrived = await item.ArriveAsync("T-1", "BER1", "DOCK-IN-01", Operator);

        Assert.Equal(ItemStatus.Received, arrived.Status);
        Assert.Equal("BER1", arrived.Warehouse);
        Assert.Null(arrived.TransferId);
        await Assert.ThrowsAsync<DomainException>(() => item.DepartAsync("T-1", Operator));
    }

    [Fact]
    public async Task An_inbound_dock_read_of_an_item_coming_from_another_warehouse_is_left_for_its_transfer()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-INBOUND-DOCK");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Operator));
        await item.StageForTransferAsync("T-2", "DOCK-OUT-01", Operator);
        var inTransit = await item.DepartAsync("T-2", Operator);

        var read = await item.ObserveAtInboundDockAsync(new ObserveItem("BER1", "DOCK-IN-01", "BER1-GATE-IN", DateTimeOffset.UtcNow));

        Assert.False(read.Observed);
        Assert.Equal(inTransit, read.Item);
        Assert.Equal(inTransit, await item.GetAsync());
    }

    [Fact]
    public async Task Any_other_inbound_dock_read_is_an_observation()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-PLAIN-DOCK");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Operator));

        var read = await item.ObserveAtInboundDockAsync(new ObserveItem("AMS1", "DOCK-IN-02", "AMS1-GATE-IN", DateTimeOffset.UtcNow));

        Assert.True(read.Observed);
        Assert.Equal("DOCK-IN-02", read.Item.Location);
        Assert.Equal(read.Item, await item.GetAsync());
        Assert.Equal(["UnexpectedReceived", "Moved"], (await item.GetHistoryAsync()).Select(e => e.Type));
    }

    [Fact]
    public async Task A_read_older_than_the_one_that_moved_the_item_does_not_move_it_back_even_after_a_restart()
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>("LP-STALE-READ");
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-01", "AMS1-GATE-IN", t0));
        await item.ObserveAsync(new ObserveItem("AMS1", "INSP-01", "AMS1-GATE-INSP", t0.AddSeconds(40)));
        await item.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // The dock gate's read of t0 again (redelivered by the broker, or retried after a failure): the item stays.
        var redelivered = await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-01", "AMS1-GATE-IN", t0));
        Assert.Equal(("INSP-01", ItemStatus.AwaitingInspection), (redelivered.Location, redelivered.Status));
        Assert.Equal(["UnexpectedReceived", "InspectionStarted"], (await item.GetHistoryAsync()).Select(e => e.Type));

        // Reads a little out of order (readers' clocks a few seconds apart), and later reads, still count.
        Assert.Equal("DOCK-IN-02", (await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-02", "AMS1-GATE-IN", t0.AddSeconds(37)))).Location);
        Assert.Equal("INSP-01", (await item.ObserveAsync(new ObserveItem("AMS1", "INSP-01", "AMS1-GATE-INSP", t0.AddSeconds(90)))).Location);

        // A reader whose clock runs an hour ahead does not make the other gates' reads look old.
        Assert.Equal("DOCK-IN-01", (await item.ObserveAsync(new ObserveItem("AMS1", "DOCK-IN-01", "AMS1-GATE-IN", DateTimeOffset.UtcNow.AddHours(1)))).Location);
        Assert.Equal("INSP-01", (await item.ObserveAsync(new ObserveItem("AMS1", "INSP-01", "AMS1-GATE-INSP", DateTimeOffset.UtcNow.AddSeconds(1)))).Location);
    }

    /// <summary>One memory-mode host (the demo configuration) for the class.</summary>
    public sealed class MemoryHostFixture : IAsyncLifetime
    {
        public TrackingHost Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Lifecycle:LocationFlushInterval"] = "00:00:00.050",
        });

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }
}
