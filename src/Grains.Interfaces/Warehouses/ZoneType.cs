namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>What a zone of a warehouse is for. Dispositions route items to a zone type.</summary>
public enum ZoneType
{
    Dock,
    Inspection,
    Quarantine,
    Restock,
    Refurbish,
    VendorReturn,
    Liquidation,
    Recycle,
    Scrap,
    Outbound,
}
