namespace Tracking.Grains.Interfaces.Regions;

/// <summary>
/// A processing step items queue for. The names are the keys of <c>WarehouseDefinition.DailyCapacity</c> and of
/// its capabilities, so a stage's capacity is found by name.
/// </summary>
public enum BacklogStage
{
    Inspection,
    Refurbish,
    VendorReturn,
    Liquidation,
    Recycle,
    Scrap,
    Restock,
}
