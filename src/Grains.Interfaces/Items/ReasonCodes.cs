namespace Tracking.Grains.Interfaces.Items;

/// <summary>The standard return reason codes an RMA line may carry.</summary>
public static class ReasonCodes
{
    public const string NotWanted = "NOT_WANTED";
    public const string Defective = "DEFECTIVE";
    public const string WrongItem = "WRONG_ITEM";
    public const string NotAsDescribed = "NOT_AS_DESCRIBED";
    public const string SizeTooSmall = "SIZE_TOO_SMALL";
    public const string SizeTooLarge = "SIZE_TOO_LARGE";
    public const string DamagedInTransit = "DAMAGED_IN_TRANSIT";
    public const string MissingParts = "MISSING_PARTS";
    public const string Other = "OTHER";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        NotWanted, Defective, WrongItem, NotAsDescribed, SizeTooSmall, SizeTooLarge, DamagedInTransit, MissingParts, Other,
    };

    public static bool IsKnown(string? code) => code is not null && All.Contains(code);
}
