using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.IntegrationTests.Items;

/// <summary>
/// A disposition whose write PostgreSQL refuses holds no place: the place reserved for it is released again (it stayed
/// reserved for nobody, and enough such failures filled a zone the map showed as empty).
/// </summary>
public sealed class DispositionWriteFailureTests : LifecycleHostOnOwnDatabase
{
    [Fact]
    public async Task A_disposition_that_could_not_be_stored_leaves_no_place_reserved()
    {
        var item = Host.Grains.GetGrain<IReturnedItemGrain>("LP-RESERVE-FAIL");
        await item.ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Actor.User("op")));
        await item.CompleteMoveAsync(new CompleteMove("AMS1", "INSP-01", Actor.User("op")));
        await item.GradeAsync(new GradeItem(Grade.A, Actor.User("inspector")));
        var before = await ReservedInRestockAsync();
        await Database.ExecuteAsync("""
            CREATE FUNCTION refuse_item() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'test fault: item state refused'; END $$;
            CREATE TRIGGER refuse_item BEFORE INSERT OR UPDATE ON grain_state
                FOR EACH ROW WHEN (NEW.grain_id LIKE '%LP-RESERVE-FAIL%') EXECUTE FUNCTION refuse_item();
            """);

        await Assert.ThrowsAnyAsync<Exception>(() => item.DispositionAsync(new DispositionItem(Actor.User("inspector"))));

        Assert.Equal(before, await ReservedInRestockAsync());
        Assert.Equal(ItemStatus.Graded, (await item.GetAsync())!.Status);
        await Database.ExecuteAsync("DROP TRIGGER refuse_item ON grain_state; DROP FUNCTION refuse_item();");
        var dispositioned = await item.DispositionAsync(new DispositionItem(Actor.User("inspector")));
        Assert.Equal(before + 1, await ReservedInRestockAsync());
        Assert.NotNull(dispositioned.Target?.Location);
    }

    private async Task<int> ReservedInRestockAsync()
    {
        var restock = Host.Services.GetRequiredService<SiteCatalog>().FindWarehouse("AMS1")!.Layout.Locations.Where(l => l.Type == ZoneType.Restock);
        var summaries = await Task.WhenAll(restock.Select(l => Host.Grains.GetGrain<ILocationGrain>(SiteCatalog.LocationId("AMS1", l.Code)).GetSummaryAsync()));
        return summaries.Sum(s => s.Reserved);
    }
}
