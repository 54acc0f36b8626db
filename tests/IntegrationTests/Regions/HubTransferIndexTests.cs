using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Transfers;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Regions;

/// <summary>
/// A transfer tells its regional hubs of each step one-way (delivered at most once). A hub that missed the last step
/// (a silo went down with the message) used to keep the transfer open for good, counting its lane and intake in every
/// plan; it now reads its open transfers again on its refresh timer.
/// </summary>
public sealed class HubTransferIndexTests : IAsyncLifetime
{
    private readonly DroppedCancellations _drops = new();
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync(
        new Dictionary<string, string> { ["Tracking:Regions:RefreshSeconds"] = "1" },
        services => services.AddSingleton<IIncomingGrainCallFilter>(_drops));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_hub_that_missed_a_transfers_last_step_catches_up_from_the_transfer()
    {
        var id = TransferIds.New(DateTimeOffset.UtcNow);
        var transfer = _host.Grains.GetGrain<ITransferGrain>(id);
        await transfer.CreateAsync(new CreateTransfer("AMS1", "BER1", BacklogStage.Restock, 3, Actor.User("manager")));
        var hub = _host.Grains.GetGrain<IRegionalHubGrain>("EU");
        Assert.True(await Eventually.HoldsAsync(async () => (await hub.GetTransfersAsync()).Any(t => t.TransferId == id && t.Status == TransferStatus.Planned)));

        await transfer.RejectAsync(Actor.User("manager"), "not needed after all");
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(_drops.Dropped > 0)), "the test's fault did not drop the hub's message");

        Assert.True(await Eventually.HoldsAsync(async () => (await hub.GetTransfersAsync()).Single(t => t.TransferId == id).Status == TransferStatus.Cancelled));
        Assert.DoesNotContain((await hub.GetBacklogAsync()).Transfers, t => t.TransferId == id);
    }

    /// <summary>The fault: every hub message saying a transfer was cancelled is lost.</summary>
    private sealed class DroppedCancellations : IIncomingGrainCallFilter
    {
        private int _dropped;

        public int Dropped => _dropped;

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IRegionalHubGrain) && context.MethodName == nameof(IRegionalHubGrain.TransferChangedAsync)
                && context.Request.GetArgument(0) is TransferSummary { Status: TransferStatus.Cancelled })
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            await context.Invoke();
        }
    }
}
