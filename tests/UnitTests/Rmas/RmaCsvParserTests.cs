using Tracking.Api.Rmas;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.UnitTests.Rmas;

public sealed class RmaCsvParserTests
{
    private const string Header = "rma_id,order_reference,channel,customer_region,expected_warehouse,refund_policy,sku,quantity,reason_code,serial,unit_value";

    private static readonly Actor Manager = Actor.User("m");

    [Fact]
    public void Rows_of_one_rma_become_its_lines_and_bad_rows_are_reported_with_their_line_numbers()
    {
        var csv = $"""
            {Header}
            RMA-1,ORD-1,Web,EU,AMS1,OnReceipt,SKU-1,2,NOT_WANTED,,
            RMA-1,ORD-1,Web,EU,AMS1,OnReceipt,SKU-2,1,DEFECTIVE,3074257BF7194E4000001A85,129.50
            RMA-2,ORD-2,Store,NA,XXX9,OnGrading,SKU-3,1,NOT_WANTED,,
            RMA-3,ORD-3,Carrier,NA,CHI1,OnGrading,SKU-4,zero,BROKEN,,
            RMA-4,ORD-4,marketplace,NA,chi1,ongrading,SKU-5,3,size_too_small,,
            RMA-1,ORD-OTHER,Web,EU,AMS1,OnReceipt,SKU-6,1,OTHER,,
            ,ORD-5,Web,EU,AMS1,OnReceipt,SKU-7,1,OTHER,,
            """;

        var result = RmaCsvParser.Parse(csv, code => code.Equals("AMS1", StringComparison.OrdinalIgnoreCase) || code.Equals("CHI1", StringComparison.OrdinalIgnoreCase), Manager);

        Assert.Equal(7, result.Rows);
        Assert.Equal(["RMA-1", "RMA-4"], result.Rmas.Select(r => r.RmaId));
        var first = result.Rmas[0];
        Assert.Equal([2, 3], first.Rows);
        Assert.Equal(RefundPolicy.OnReceipt, first.Command.RefundPolicy);
        Assert.Equal(
            [new RmaLine("SKU-1", 2, "NOT_WANTED"), new RmaLine("SKU-2", 1, "DEFECTIVE", "3074257BF7194E4000001A85", 129.50m)],
            first.Command.Lines);
        Assert.Equal((RmaChannel.Marketplace, RefundPolicy.OnGrading, "SIZE_TOO_SMALL"), (result.Rmas[1].Command.Channel, result.Rmas[1].Command.RefundPolicy, result.Rmas[1].Command.Lines[0].ReasonCode));

        Assert.Equal([4, 5, 7, 8], result.Errors.Select(e => e.Row));
        Assert.Contains("expected_warehouse 'XXX9' does not exist", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("quantity 'zero'", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("reason_code 'BROKEN'", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("must be the same on every row", result.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("rma_id is required", result.Errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_the_required_columns_is_refused_as_a_whole()
    {
        var result = RmaCsvParser.Parse("rma_id,sku\nRMA-1,SKU-1\n", _ => true, Manager);

        Assert.Empty(result.Rmas);
        Assert.Contains("missing columns: order_reference, channel", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Contains("empty", Assert.Single(RmaCsvParser.Parse("", _ => true, Manager).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_with_broken_quoting_is_skipped_and_reported_and_the_next_row_still_imports()
    {
        var csv = $"""
            {Header}
            RMA-1,"ORD-1"x,Web,EU,AMS1,OnReceipt,SKU-1,1,OTHER,,
            RMA-2,ORD-2,Web,EU,AMS1,OnReceipt,SKU-1,1,OTHER,,
            """;

        var result = RmaCsvParser.Parse(csv, _ => true, Manager);

        Assert.Equal(["RMA-2"], result.Rmas.Select(r => r.RmaId));
        Assert.Equal(2, Assert.Single(result.Errors).Row);
        Assert.Equal(2, result.Rows);
    }
}
