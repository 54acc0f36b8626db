using Orleans.Core.Internal;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Live;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A reader's silent-reader alert, open when its gate's activation ended (a restart), is cleared once the reader reads again.</summary>
[Collection("devices")]
public sealed class SilentReaderAlertTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await DeviceHosts.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_alert_left_open_by_an_earlier_activation_is_cleared_by_the_next_read()
    {
        var gate = _host.Grains.GetGrain<IRfidGateGrain>("CHI1-GATE-IN");
        var alerts = _host.Grains.GetGrain<IAlertsGrain>("CHI1");
        await gate.GetStatusAsync();
        await alerts.RaiseAsync(new Alert("silent-reader:CHI1-GATE-IN", "CHI1", AlertKind.SilentReader, AlertSeverity.Warning,
            "Reader CHI1-GATE-IN has sent nothing for more than 60 s.", "CHI1-GATE-IN", DateTimeOffset.UtcNow));

        // The gate that raised it is gone (as after a restart); the reader comes back.
        await gate.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await gate.ProcessAsync(new RfidReadBatch("CHI1-GATE-IN", [new RfidRead(TestDevice.NewEpc(), 1, -50, DateTimeOffset.UtcNow)]));

        Assert.DoesNotContain(await alerts.GetOpenAsync(), a => a.AlertId == "silent-reader:CHI1-GATE-IN");
    }
}
