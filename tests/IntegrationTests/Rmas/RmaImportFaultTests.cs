using System.Net;
using System.Text;
using Tracking.Api.Rmas;
using Tracking.Grains.Interfaces.Rmas;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Rmas;

/// <summary>
/// One RMA of an import that cannot be stored (a storage fault, a timeout) does not lose the rest of the file: the
/// answer lists what was imported and which rows to import again. (It was a 500 that reported nothing.)
/// </summary>
public sealed class RmaImportFaultTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TrackingHost.StartAsync(configureServices: services => services.AddSingleton<IIncomingGrainCallFilter>(new FailingRmaCreate("RMA-FAULT-2")));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_rma_that_cannot_be_stored_is_reported_and_the_rest_of_the_file_is_imported()
    {
        using var manager = _host.CreateClient("manager-key");
        const string csv = """
            rma_id,order_reference,channel,customer_region,expected_warehouse,refund_policy,sku,quantity,reason_code
            RMA-FAULT-1,ORD-1,Web,EU,AMS1,OnGrading,SKU-1,1,NOT_WANTED
            RMA-FAULT-2,ORD-2,Web,EU,AMS1,OnGrading,SKU-2,1,NOT_WANTED
            RMA-FAULT-3,ORD-3,Web,EU,AMS1,OnGrading,SKU-3,1,NOT_WANTED
            """;

        var response = await manager.PostAsync(new Uri("/api/rmas/import", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.ReadAsync<RmaImportResult>();
        Assert.Equal(["RMA-FAULT-1", "RMA-FAULT-3"], result.Imported);
        var error = Assert.Single(result.Errors);
        Assert.Equal((3, "RMA-FAULT-2"), (error.Row, error.RmaId));
        Assert.Contains("import this RMA again", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A fault in the silo: creating the named RMA fails as a storage outage would.</summary>
    private sealed class FailingRmaCreate(string rmaId) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.DeclaringType == typeof(IRmaGrain) && context.MethodName == nameof(IRmaGrain.CreateAsync)
                && context.TargetId.Key.ToString() == rmaId)
            {
                throw new InvalidOperationException("RMA storage unavailable (test fault)");
            }

            await context.Invoke();
        }
    }
}
