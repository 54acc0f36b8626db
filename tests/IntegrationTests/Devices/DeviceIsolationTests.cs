using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// A gate whose grain call hangs holds up only its own reads: other readers' reads keep reaching their items, and the
/// held reads are delivered, in full, once the call goes through. One lane, so both readers share it (the hardest case).
/// </summary>
[Collection("devices")]
public sealed class DeviceIsolationTests : IAsyncLifetime
{
    private const string HeldGate = "AMS1-GATE-IN";
    private const string FreeGate = "BER1-GATE-IN";
    private readonly HeldGateCalls _held = new(HeldGate);
    private TrackingHost _host = null!;
    private TestDevice _device = null!;

    public async Task InitializeAsync()
    {
        _host = await DeviceHosts.StartAsync(
            overrides: new Dictionary<string, string> { ["Tracking:Mqtt:Lanes"] = "1" },
            configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(_held));
        await DeviceHosts.WaitConnectedAsync(_host);
        _device = await TestDevice.ConnectAsync(TestEnvironment.MqttPort, clientId: $"gates-{Guid.NewGuid():N}");
    }

    public async Task DisposeAsync()
    {
        _held.Release();
        await _device.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Reads_of_other_gates_reach_their_items_while_one_gates_call_hangs_and_the_held_reads_follow_once_it_returns()
    {
        var bridge = _host.Services.GetRequiredService<MqttBridgeClient>();
        var heldEpcs = new[] { TestDevice.NewEpc(), TestDevice.NewEpc() };
        await PublishAsync(HeldGate, heldEpcs[0]);
        await _held.WhenHoldingAsync(TimeSpan.FromSeconds(20));
        // Arrives while the first batch is held: waits behind it, in its gate's order.
        await PublishAsync(HeldGate, heldEpcs[1]);

        var freeEpcs = Enumerable.Range(0, 40).Select(_ => TestDevice.NewEpc()).ToArray();
        foreach (var epc in freeEpcs)
        {
            await PublishAsync(FreeGate, epc);
        }

        // Well inside Orleans' 30 s response timeout: the held call is still hanging, not failed and retried.
        Assert.True(await ArrivedAsync(freeEpcs, TimeSpan.FromSeconds(15)), "reads of a gate that works waited for the hung gate");
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(bridge.InProcess == heldEpcs.Length), TimeSpan.FromSeconds(10)),
            $"expected only the held gate's {heldEpcs.Length} messages in process, found {bridge.InProcess}");
        Assert.Null(await _host.Grains.GetGrain<IReturnedItemGrain>(heldEpcs[0]).GetAsync());

        _held.Release();

        Assert.True(await ArrivedAsync(heldEpcs, TimeSpan.FromSeconds(20)), "the held reads never reached their items");
        Assert.True(
            await Eventually.HoldsAsync(() => Task.FromResult(bridge.Unacknowledged == 0 && bridge.Abandoned == 0), TimeSpan.FromSeconds(20)),
            $"the bridge still holds {bridge.Unacknowledged} unacknowledged and {bridge.Abandoned} abandoned message(s)");
    }

    private async Task PublishAsync(string gate, string epc) =>
        Assert.True((await _device.PublishAsync($"tracking/rfid/{gate}/events", TestDevice.ZebraRead(epc, 1, -50))).IsSuccess);

    private Task<bool> ArrivedAsync(IEnumerable<string> epcs, TimeSpan within) =>
        Eventually.HoldsAsync(
            async () => (await Task.WhenAll(epcs.Select(e => _host.Grains.GetGrain<IReturnedItemGrain>(e).GetAsync()))).All(i => i is not null),
            within);
}
