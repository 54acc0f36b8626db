namespace Tracking.Grains.Interfaces.Rmas;

/// <summary>Codes of the <see cref="Common.DomainException"/>s an RMA raises that callers act on.</summary>
public static class RmaErrors
{
    /// <summary><see cref="IRmaGrain.CreateAsync"/> on an id that already has an RMA.</summary>
    public const string Exists = "rma-exists";
}
