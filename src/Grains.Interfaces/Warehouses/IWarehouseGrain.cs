namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>One warehouse, keyed by its code. Not called per item event: location grains send it periodic deltas.</summary>
public interface IWarehouseGrain : IGrainWithStringKey
{
    Task<WarehouseInventory> GetInventoryAsync();
}
