namespace Tracking.Grains.Interfaces.Items;

/// <summary>A: as new. B: open box / used. C: damaged, repairable. D: not repairable.</summary>
public enum Grade
{
    A,
    B,
    C,
    D,
}
