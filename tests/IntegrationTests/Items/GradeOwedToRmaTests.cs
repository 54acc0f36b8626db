using Orleans.Core.Internal;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Items;

/// <summary>
/// A refund on grading hangs on the RMA hearing of the grade. When that call fails the grade stands, and the RMA is told
/// again on the item's next change or activation: late at worst, never lost.
/// </summary>
public sealed class GradeOwedToRmaTests : IAsyncLifetime
{
    private readonly FailingRmaGradeCalls _faults = new(count: 2);
    private readonly PostgresDatabase _database = new();
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _host = await TrackingHost.StartAsync(LifecycleHostFixture.Settings(_database.ConnectionString), services => services.AddSingleton<IIncomingGrainCallFilter>(_faults));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_grade_the_rma_did_not_hear_of_is_told_on_the_next_change_or_activation()
    {
        var rma = _host.Grains.GetGrain<IRmaGrain>("RMA-OWED-1");
        await rma.CreateAsync(new CreateRma("ORD-OWED", RmaChannel.Web, "EU", "AMS1", RefundPolicy.OnGrading,
            [new RmaLine("SKU-OWED", 2, ReasonCodes.NotWanted, null, 10m)], Actor.User("manager")));
        var owedUntilNextChange = await GradedAsync(rma, "LP-OWED-1");
        var owedUntilActivation = await GradedAsync(rma, "LP-OWED-2");
        Assert.Equal(2, _faults.Failed);
        Assert.Empty((await rma.GetAsync())!.RefundsDue);

        // The next change of the first item tells the RMA first.
        await owedUntilNextChange.HoldAsync(Actor.User("op"), "photo check");
        Assert.Equal(["LP-OWED-1"], (await rma.GetAsync())!.RefundsDue);

        // The second is untouched until its activation ends; the next one tells the RMA.
        await owedUntilActivation.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            await owedUntilActivation.GetAsync();
            return (await rma.GetAsync())!.RefundsDue.Contains("LP-OWED-2");
        }), "the second item's grade never reached its RMA");
        Assert.Equal(2, (await rma.GetAsync())!.RefundsDue.Count);
    }

    private async Task<IReturnedItemGrain> GradedAsync(IRmaGrain rma, string id)
    {
        var item = _host.Grains.GetGrain<IReturnedItemGrain>(id);
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op"), RmaId: "RMA-OWED-1", Sku: "SKU-OWED"));
        await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-01", Actor.User("op")));
        var graded = await item.GradeAsync(new GradeItem(Grade.A, Actor.User("inspector")));
        Assert.Equal(ItemStatus.Graded, graded.Status);
        return item;
    }
}
