using System.Net;
using System.Text;
using Tracking.Api.Rmas;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Items;

namespace Tracking.IntegrationTests.Rmas;

public sealed class RmaImportApiTests(LifecycleHostFixture fixture) : IClassFixture<LifecycleHostFixture>
{
    [Fact]
    public async Task A_csv_import_creates_the_valid_rmas_and_reports_each_bad_row()
    {
        using var manager = fixture.Host.CreateClient("manager-key");
        const string csv = """
            rma_id,order_reference,channel,customer_region,expected_warehouse,refund_policy,sku,quantity,reason_code,serial,unit_value
            RMA-CSV-1,ORD-1,Web,EU,AMS1,OnReceipt,SKU-1,2,NOT_WANTED,,
            RMA-CSV-1,ORD-1,Web,EU,AMS1,OnReceipt,SKU-2,1,DEFECTIVE,3074257BF7194E4000009999,49.90
            RMA-CSV-2,ORD-2,Web,EU,NOPE,OnReceipt,SKU-3,1,NOT_WANTED,,
            RMA-CSV-3,ORD-3,Fax,EU,BER1,OnReceipt,SKU-4,-1,NOT_WANTED,,
            RMA-CSV-4,ORD-4,Carrier,NA,NYC1,OnGrading,SKU-5,1,WRONG_ITEM,,
            RMA CSV 5,ORD-5,Carrier,NA,NYC1,OnGrading,SKU-5,1,WRONG_ITEM,,
            """;

        var response = await manager.PostAsync("/api/rmas/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadAsync<RmaImportResult>();
        Assert.Equal((6, 3), (result.Rows, result.ImportedRows));
        Assert.Equal(["RMA-CSV-1", "RMA-CSV-4"], result.Imported);
        Assert.Equal([4, 5, 7], result.Errors.Select(e => e.Row));
        Assert.Contains("NOPE", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("channel 'Fax'", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("quantity '-1'", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("rma_id", result.Errors[2].Message, StringComparison.Ordinal);

        var rma = await (await manager.GetAsync("/api/rmas/RMA-CSV-1")).ReadAsync<RmaSnapshot>();
        Assert.Equal((RmaStatus.Authorized, 2, RefundPolicy.OnReceipt), (rma.Status, rma.Lines.Count, rma.RefundPolicy));
        var expected = await fixture.Host.Grains.GetGrain<IReturnedItemGrain>("3074257BF7194E4000009999").GetAsync();
        Assert.Equal((ItemStatus.Expected, "RMA-CSV-1", "AMS1"), (expected!.Status, expected.RmaId, expected.Warehouse));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/rmas/RMA-CSV-2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync("/api/rmas/RMA-CSV-3")).StatusCode);
    }

    [Fact]
    public async Task Importing_the_same_file_again_reports_every_row_as_existing_and_changes_nothing()
    {
        using var manager = fixture.Host.CreateClient("manager-key");
        const string csv = """
            rma_id,order_reference,channel,customer_region,expected_warehouse,refund_policy,sku,quantity,reason_code
            RMA-CSV-AGAIN,ORD-9,Web,EU,AMS1,OnGrading,SKU-9,3,NOT_WANTED
            """;
        (await manager.PostAsync("/api/rmas/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();
        var first = await (await manager.GetAsync("/api/rmas/RMA-CSV-AGAIN")).ReadAsync<RmaSnapshot>();

        var second = await (await manager.PostAsync("/api/rmas/import", new StringContent(csv, Encoding.UTF8, "text/csv"))).ReadAsync<RmaImportResult>();

        Assert.Empty(second.Imported);
        Assert.Contains("already exists", Assert.Single(second.Errors).Message, StringComparison.Ordinal);
        var after = await (await manager.GetAsync("/api/rmas/RMA-CSV-AGAIN")).ReadAsync<RmaSnapshot>();
        Assert.Equal((first.Version, first.UpdatedAt), (after.Version, after.UpdatedAt));
    }
}
