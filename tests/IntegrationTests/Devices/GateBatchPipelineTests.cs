using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Items;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// The gate accepts a batch at once and the bridge waits for its ticket before acknowledging: batches overlap, yet a
/// tag's changes reach its item in order and a ticket completes only when the items have stored them.
/// </summary>
[Collection("devices")]
public sealed class GateBatchPipelineTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await DeviceHosts.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_ticket_completes_only_once_the_item_has_stored_its_arrival()
    {
        var epc = TestDevice.NewEpc();
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-IN");

        var ticket = await gate.AcceptAsync(Batch("AMS1-GATE-IN", (epc, 1, -50)));
        await gate.WhenObservedAsync(ticket);

        var item = await _host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync();
        Assert.NotNull(item);
        Assert.Equal(("AMS1", "DOCK-IN-01"), (item.Warehouse, item.Location));
        var history = await _host.Grains.GetGrain<IReturnedItemGrain>(epc).GetHistoryAsync();
        Assert.Equal(ItemEventTypes.UnexpectedReceived, Assert.Single(history).Type);
    }

    [Fact]
    public async Task A_tags_zone_change_accepted_before_its_arrival_is_stored_still_reaches_the_item_after_the_arrival()
    {
        var epcs = Enumerable.Range(0, 20).Select(_ => TestDevice.NewEpc()).ToList();
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-IN");

        // Both batches are accepted before either is waited for: the second one's zone changes (antenna 3, 10 dB
        // stronger than antenna 1 had) are started while the arrivals of the first may still be storing.
        var arrivals = await gate.AcceptAsync(Batch("AMS1-GATE-IN", [.. epcs.Select(e => (e, 1, -60.0))]));
        var moves = await gate.AcceptAsync(Batch("AMS1-GATE-IN", [.. epcs.Select(e => (e, 3, -50.0))]));
        await gate.WhenObservedAsync(moves);
        await gate.WhenObservedAsync(arrivals);

        foreach (var epc in epcs)
        {
            var history = await _host.Grains.GetGrain<IReturnedItemGrain>(epc).GetHistoryAsync();
            Assert.Equal(
                [(ItemEventTypes.UnexpectedReceived, "DOCK-IN-01"), (ItemEventTypes.Moved, "DOCK-IN-02")],
                history.Select(e => (e.Type, e.Location)).ToList());
        }
    }

    [Fact]
    public async Task Waiting_for_a_ticket_the_gate_never_issued_fails_so_the_messages_are_not_acknowledged()
    {
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("AMS1-GATE-IN");

        var failure = await Assert.ThrowsAsync<DomainException>(() => gate.WhenObservedAsync(Guid.NewGuid()));

        Assert.Equal("batch-unknown", failure.Code);
    }

    private static RfidReadBatch Batch(string readerId, params (string Epc, int Antenna, double Rssi)[] reads) =>
        new(readerId, [.. reads.Select(r => new RfidRead(r.Epc, r.Antenna, r.Rssi, DateTimeOffset.UtcNow))]);
}
