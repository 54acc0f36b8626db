using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Items;

/// <summary>What the rules look at when they pick a disposition.</summary>
public sealed record DispositionFacts(Grade Grade, string? ReasonCode, string? Category, bool VendorReturnEligible, decimal? Value);

/// <summary>The rules' answer, with the row that decided (for the audit trail).</summary>
public sealed record DispositionDecision(Disposition Disposition, ZoneType TargetZone, int RuleIndex, string RuleName);

/// <summary>
/// Disposition rules as data: grade × reason × category × vendor-return eligibility × value → disposition + zone type.
/// Each warehouse may carry its own table in the site seed; otherwise <see cref="Default"/> applies. A row whose
/// disposition the warehouse cannot perform (no such capability) is skipped, so the next row decides.
/// </summary>
public static class DispositionRules
{
    public static readonly IReadOnlyList<DispositionRule> Default =
    [
        new(Disposition.Restock, Grades: [Grade.A], Name: "as new: back to stock"),
        new(Disposition.Restock, Grades: [Grade.B], Reasons: [ReasonCodes.NotWanted, ReasonCodes.SizeTooSmall, ReasonCodes.SizeTooLarge, ReasonCodes.WrongItem], Name: "open box, unwanted: restock"),
        new(Disposition.ReturnToVendor, Grades: [Grade.B, Grade.C, Grade.D], Reasons: [ReasonCodes.Defective, ReasonCodes.MissingParts], VendorReturnEligible: true, Name: "vendor takes defects back"),
        new(Disposition.Liquidate, Grades: [Grade.B], Name: "open box: liquidate"),
        new(Disposition.Refurbish, Grades: [Grade.C], MinValue: 50m, Name: "repairable and worth it: refurbish"),
        new(Disposition.Liquidate, Grades: [Grade.C], Name: "repairable but cheap: liquidate"),
        new(Disposition.Recycle, Grades: [Grade.D], Categories: ["Electronics", "Batteries", "Appliances"], Name: "broken electronics: recycle"),
        new(Disposition.Scrap, Grades: [Grade.D], Name: "not repairable: scrap"),
    ];

    /// <summary>The zone type a disposition sends an item to unless its rule names another.</summary>
    public static ZoneType ZoneFor(Disposition disposition) => disposition switch
    {
        Disposition.Restock => ZoneType.Restock,
        Disposition.Refurbish => ZoneType.Refurbish,
        Disposition.ReturnToVendor => ZoneType.VendorReturn,
        Disposition.Liquidate => ZoneType.Liquidation,
        Disposition.Recycle => ZoneType.Recycle,
        Disposition.Scrap => ZoneType.Scrap,
        _ => throw new ArgumentOutOfRangeException(nameof(disposition), disposition, "Unknown disposition."),
    };

    /// <summary>The first matching row the warehouse can perform, or null when none matches.</summary>
    public static DispositionDecision? Decide(IReadOnlyList<DispositionRule> rules, DispositionFacts facts, IReadOnlyCollection<string>? capabilities = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(facts);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (Matches(rule, facts) && CanPerform(rule, capabilities))
            {
                return new DispositionDecision(rule.Disposition, rule.TargetZone ?? ZoneFor(rule.Disposition), i, rule.Name ?? $"rule {i + 1}");
            }
        }

        return null;
    }

    public static bool Matches(DispositionRule rule, DispositionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(facts);
        return (rule.Grades is not { Count: > 0 } || rule.Grades.Contains(facts.Grade))
            && MatchesText(rule.Reasons, facts.ReasonCode)
            && MatchesText(rule.Categories, facts.Category)
            && (rule.VendorReturnEligible is null || rule.VendorReturnEligible == facts.VendorReturnEligible)
            && (rule.MinValue is null || (facts.Value is { } v1 && v1 >= rule.MinValue))
            && (rule.MaxValue is null || (facts.Value is { } v2 && v2 <= rule.MaxValue));
    }

    private static bool MatchesText(IReadOnlyList<string>? allowed, string? value) =>
        allowed is not { Count: > 0 } || (value is not null && allowed.Contains(value, StringComparer.OrdinalIgnoreCase));

    // Capabilities are named like zone types ("Refurbish", "VendorReturn", ...); a warehouse without the list can do anything.
    private static bool CanPerform(DispositionRule rule, IReadOnlyCollection<string>? capabilities) =>
        capabilities is not { Count: > 0 }
        || capabilities.Contains((rule.TargetZone ?? ZoneFor(rule.Disposition)).ToString(), StringComparer.OrdinalIgnoreCase);
}
