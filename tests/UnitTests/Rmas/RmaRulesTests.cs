using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.Grains.Rmas;

namespace Tracking.UnitTests.Rmas;

public sealed class RmaRulesTests
{
    private static readonly Actor Manager = Actor.User("m");

    [Fact]
    public void A_well_formed_rma_has_no_problems()
    {
        Assert.Empty(RmaRules.Validate(Rma([new RmaLine("SKU-1", 2, "NOT_WANTED"), new RmaLine("SKU-2", 1, "DEFECTIVE", "3074257BF7194E4000001A85", 99m)])));
    }

    [Fact]
    public void Every_problem_of_a_bad_rma_is_reported_by_line()
    {
        var problems = RmaRules.Validate(Rma(
        [
            new RmaLine("", 0, "BROKEN"),
            new RmaLine("SKU-2", 2, "DEFECTIVE", "EPC-1"),
            new RmaLine("SKU-3", 1, "OTHER", "EPC-1", -1m),
        ]));

        Assert.Contains("line 1: sku is required", problems);
        Assert.Contains("line 1: quantity must be at least 1", problems);
        Assert.Contains(problems, p => p.StartsWith("line 1: reason code 'BROKEN'", StringComparison.Ordinal));
        Assert.Contains("line 2: a line with a serial/EPC is one unit (quantity 1)", problems);
        Assert.Contains("line 3: serial/EPC EPC-1 appears twice", problems);
        Assert.Contains("line 3: unitValue cannot be negative", problems);
    }

    [Fact]
    public void An_rma_without_lines_is_refused()
    {
        Assert.Contains("at least one line is required", RmaRules.Validate(Rma([])));
    }

    [Fact]
    public void An_arrival_matches_its_serial_line_first_then_the_first_line_of_its_sku_still_owed()
    {
        IReadOnlyList<RmaLineStatus> lines =
        [
            new(1, new RmaLine("SKU-1", 1, "OTHER", "EPC-A"), 0, []),
            new(2, new RmaLine("SKU-1", 2, "OTHER"), 2, ["X", "Y"]),
            new(3, new RmaLine("SKU-1", 1, "OTHER"), 0, []),
        ];

        Assert.Equal(1, RmaRules.Match(lines, "EPC-A", null)!.LineNumber);
        Assert.Equal(3, RmaRules.Match(lines, "LP-9", "SKU-1")!.LineNumber);
        Assert.Null(RmaRules.Match(lines, "LP-9", "SKU-2"));
        Assert.Null(RmaRules.Match(lines, "LP-9", null));
    }

    [Fact]
    public void The_status_follows_what_has_been_received()
    {
        RmaLineStatus Line(int qty, int received) => new(1, new RmaLine("S", qty, "OTHER"), received, []);

        Assert.Equal(RmaStatus.Authorized, RmaRules.StatusAfterReceipt([Line(2, 0)]));
        Assert.Equal(RmaStatus.PartiallyReceived, RmaRules.StatusAfterReceipt([Line(2, 1)]));
        Assert.Equal(RmaStatus.PartiallyReceived, RmaRules.StatusAfterReceipt([Line(1, 1), Line(1, 0)]));
        Assert.Equal(RmaStatus.Received, RmaRules.StatusAfterReceipt([Line(2, 2), Line(1, 1)]));
    }

    [Theory]
    [InlineData(RefundPolicy.OnGrading, null, 0)]
    [InlineData(RefundPolicy.OnReceipt, null, 10)]
    [InlineData(RefundPolicy.OnGrading, 500.0, 5)]
    [InlineData(RefundPolicy.OnReceipt, 1200.0, 15)]
    [InlineData(RefundPolicy.OnReceipt, 499.99, 10)]
    public void Refunds_already_issued_and_high_value_raise_the_inspection_priority(RefundPolicy policy, double? value, int expected)
    {
        Assert.Equal(expected, RmaRules.Priority(policy, new RmaLine("S", 1, "OTHER", UnitValue: (decimal?)value)));
    }

    private static CreateRma Rma(IReadOnlyList<RmaLine> lines) => new("ORD-1", RmaChannel.Web, "EU", "AMS1", RefundPolicy.OnReceipt, lines, Manager);
}
