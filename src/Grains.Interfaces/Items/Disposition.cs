namespace Tracking.Grains.Interfaces.Items;

public enum Disposition
{
    Restock,
    Refurbish,
    ReturnToVendor,
    Liquidate,
    Recycle,
    Scrap,
}
