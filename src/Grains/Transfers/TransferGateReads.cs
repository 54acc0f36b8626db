using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Transfers;

/// <summary>
/// What an RFID gate does with an item it saw (after deduplication): observe it, and at a dock gate let the item's
/// transfer see the read too. An outbound read of a staged item confirms its departure; an inbound read of an item
/// coming from another warehouse confirms its arrival (the transfer then brings the item into the destination's flow).
/// Gates call this instead of <see cref="IReturnedItemGrain.ObserveAsync"/>. A read that is a plain observation costs
/// one call to the item at any gate; only a read that concerns a transfer costs more.
/// </summary>
public static class TransferGateReads
{
    public static Task<ItemSnapshot> ObserveAtGateAsync(this IGrainFactory grains, GateKind kind, string itemId, ObserveItem command)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(command);
        var item = grains.Reference<IReturnedItemGrain>(itemId);
        return kind switch
        {
            GateKind.DockIn => AtInboundDockAsync(grains, item, itemId, command),
            GateKind.DockOut => AtOutboundDockAsync(grains, item, itemId, command),
            // Inside the warehouse a read is the item's call alone: its task, with no async layer around it (the gate
            // waits on it until the item's change commits).
            _ => item.ObserveAsync(command),
        };
    }

    private static async Task<ItemSnapshot> AtInboundDockAsync(IGrainFactory grains, IReturnedItemGrain item, string itemId, ObserveItem command)
    {
        // Most dock reads are plain observations, done in this one call.
        var first = await item.ObserveAtInboundDockAsync(command);
        if (first.Observed)
        {
            return first.Item;
        }

        await grains.Reference<ITransferGrain>(first.Item.TransferId!).RecordDockReadAsync(Read(itemId, GateKind.DockIn, command));

        // The transfer may have had nothing to do with this read (e.g. it was cancelled): then it is a plain observation.
        if (await item.GetAsync() is { } after && Same(after.Warehouse, command.Warehouse))
        {
            return after;
        }

        return await item.ObserveAsync(command);
    }

    private static async Task<ItemSnapshot> AtOutboundDockAsync(IGrainFactory grains, IReturnedItemGrain item, string itemId, ObserveItem command)
    {
        var observed = await item.ObserveAsync(command);
        if (observed.TransferId is { } outbound && Same(observed.Warehouse, command.Warehouse))
        {
            await grains.Reference<ITransferGrain>(outbound).RecordDockReadAsync(Read(itemId, GateKind.DockOut, command));
            return await item.GetAsync() ?? observed;
        }

        return observed;
    }

    private static TransferDockRead Read(string itemId, GateKind kind, ObserveItem command) =>
        new(itemId, command.Warehouse, command.Location, command.DeviceId, kind, command.ObservedAt);

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
