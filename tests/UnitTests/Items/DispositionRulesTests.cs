using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Items;

namespace Tracking.UnitTests.Items;

/// <summary>The default disposition table, row by row, and how per-warehouse tables and capabilities change the answer.</summary>
public sealed class DispositionRulesTests
{
    private static readonly string[] AllCapabilities = ["Inspection", "Restock", "VendorReturn", "Liquidation", "Recycle", "Scrap", "Refurbish"];

    [Theory]
    [InlineData(Grade.A, "DEFECTIVE", null, false, null, Disposition.Restock, ZoneType.Restock)]
    [InlineData(Grade.A, "NOT_WANTED", "Apparel", false, 20.0, Disposition.Restock, ZoneType.Restock)]
    [InlineData(Grade.B, "NOT_WANTED", null, false, null, Disposition.Restock, ZoneType.Restock)]
    [InlineData(Grade.B, "SIZE_TOO_SMALL", null, false, null, Disposition.Restock, ZoneType.Restock)]
    [InlineData(Grade.B, "DEFECTIVE", null, true, null, Disposition.ReturnToVendor, ZoneType.VendorReturn)]
    [InlineData(Grade.B, "DEFECTIVE", null, false, null, Disposition.Liquidate, ZoneType.Liquidation)]
    [InlineData(Grade.B, "DAMAGED_IN_TRANSIT", null, false, null, Disposition.Liquidate, ZoneType.Liquidation)]
    [InlineData(Grade.C, "MISSING_PARTS", null, true, 10.0, Disposition.ReturnToVendor, ZoneType.VendorReturn)]
    [InlineData(Grade.C, "DAMAGED_IN_TRANSIT", null, false, 50.0, Disposition.Refurbish, ZoneType.Refurbish)]
    [InlineData(Grade.C, "DAMAGED_IN_TRANSIT", null, false, 49.99, Disposition.Liquidate, ZoneType.Liquidation)]
    [InlineData(Grade.C, "DEFECTIVE", null, false, null, Disposition.Liquidate, ZoneType.Liquidation)]
    [InlineData(Grade.D, "DEFECTIVE", "Electronics", true, null, Disposition.ReturnToVendor, ZoneType.VendorReturn)]
    [InlineData(Grade.D, "DAMAGED_IN_TRANSIT", "electronics", false, null, Disposition.Recycle, ZoneType.Recycle)]
    [InlineData(Grade.D, "DAMAGED_IN_TRANSIT", "Apparel", false, null, Disposition.Scrap, ZoneType.Scrap)]
    [InlineData(Grade.D, null, null, false, null, Disposition.Scrap, ZoneType.Scrap)]
    public void The_default_table_decides(Grade grade, string? reason, string? category, bool vendorEligible, double? value, Disposition expected, ZoneType zone)
    {
        var decision = DispositionRules.Decide(DispositionRules.Default, new DispositionFacts(grade, reason, category, vendorEligible, (decimal?)value), AllCapabilities);

        Assert.NotNull(decision);
        Assert.Equal(expected, decision.Disposition);
        Assert.Equal(zone, decision.TargetZone);
    }

    [Fact]
    public void Every_grade_gets_a_disposition_from_the_default_table_for_every_reason()
    {
        foreach (var grade in Enum.GetValues<Grade>())
        {
            foreach (var reason in ReasonCodes.All)
            {
                Assert.NotNull(DispositionRules.Decide(DispositionRules.Default, new DispositionFacts(grade, reason, null, false, null), AllCapabilities));
            }
        }
    }

    [Fact]
    public void A_warehouse_that_cannot_refurbish_falls_through_to_the_next_row()
    {
        string[] noRefurbish = ["Inspection", "Restock", "VendorReturn", "Liquidation", "Recycle", "Scrap"];

        var decision = DispositionRules.Decide(DispositionRules.Default, new DispositionFacts(Grade.C, "OTHER", null, false, 400m), noRefurbish);

        Assert.Equal(Disposition.Liquidate, decision!.Disposition);
    }

    [Fact]
    public void A_warehouse_table_replaces_the_default_and_may_send_a_disposition_to_another_zone()
    {
        IReadOnlyList<DispositionRule> rules =
        [
            new(Disposition.Liquidate, Grades: [Grade.A], Categories: ["Apparel"], MaxValue: 15m, Name: "cheap apparel"),
            new(Disposition.Restock, Grades: [Grade.A, Grade.B]),
            new(Disposition.Scrap, TargetZone: ZoneType.Quarantine, Name: "everything else waits in quarantine"),
        ];

        Assert.Equal("cheap apparel", DispositionRules.Decide(rules, new DispositionFacts(Grade.A, null, "Apparel", false, 9m))!.RuleName);
        Assert.Equal(Disposition.Restock, DispositionRules.Decide(rules, new DispositionFacts(Grade.A, null, "Apparel", false, 90m))!.Disposition);
        Assert.Equal(Disposition.Restock, DispositionRules.Decide(rules, new DispositionFacts(Grade.A, null, "Apparel", false, null))!.Disposition);
        var fallback = DispositionRules.Decide(rules, new DispositionFacts(Grade.C, null, null, false, null))!;
        Assert.Equal((Disposition.Scrap, ZoneType.Quarantine, 2), (fallback.Disposition, fallback.TargetZone, fallback.RuleIndex));
    }

    [Fact]
    public void No_matching_row_is_no_decision()
    {
        IReadOnlyList<DispositionRule> rules = [new(Disposition.Restock, Grades: [Grade.A])];

        Assert.Null(DispositionRules.Decide(rules, new DispositionFacts(Grade.D, null, null, false, null)));
    }
}
