using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.IntegrationTests.Devices;

/// <summary>Items that need an AGV: the lifecycle asks the warehouse's dispatcher for a move.</summary>
internal static class TransportItems
{
    private static readonly Actor Operator = Actor.User("op");

    /// <summary>An item received, inspected, graded A and dispositioned to restock; returns it and the location reserved for it.</summary>
    public static async Task<(string ItemId, string Target)> DispositionedAsync(IGrainFactory grains, string warehouse)
    {
        var itemId = $"LP-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        var item = grains.GetGrain<IReturnedItemGrain>(itemId);
        await item.ReceiveAsync(new ReceiveItem(warehouse, "DOCK-IN-01", Operator, null, "SKU-AGV"));
        await item.CompleteMoveAsync(new CompleteMove(warehouse, "INSP-01", Operator));
        await item.GradeAsync(new GradeItem(Grade.A, Actor.User("inspector")));
        var dispositioned = await item.DispositionAsync(new DispositionItem(Operator));
        return (itemId, dispositioned.Target!.Location!);
    }
}
