using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Web;

/// <summary>
/// The control room against the device simulator (RFID gates and VDA 5050 AGVs talking MQTT through the test Mosquitto),
/// as a demo user would see it. The host uses its own topic prefixes so its simulated traffic stays out of other tests.
/// </summary>
public sealed class SimulatedFloorPageTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        _host = await TrackingHost.StartAsync(new Dictionary<string, string>
        {
            ["Tracking:Simulator:Enabled"] = "true",
            ["Tracking:Simulator:TagPassSeconds"] = "0.7",
            ["Tracking:Simulator:Seed"] = "5",
            ["Tracking:Mqtt:RfidTopicPrefix"] = $"sim{run}/rfid",
            ["Tracking:Mqtt:AgvTopicPrefix"] = $"sim{run}/uagv/v2",
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"sim{run}",
            ["Tracking:Mqtt:ClientId"] = $"sim-bridge-{run}",
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_busy_simulated_floor_shows_gate_reads_item_moves_and_reporting_agvs_at_1366x768()
    {
        await using var browser = await BrowserSession.StartAsync(_host.BaseAddress);
        var page = browser.Page;
        await page.GotoAsync("/");
        await page.FillAsync("#key-input", "viewer-key");
        await page.ClickAsync("#sign-in-button");
        await page.WaitForSelectorAsync("#status[data-state='live']");
        Assert.Contains("sim on", await page.Locator("#modes").TextContentAsync() ?? "", StringComparison.Ordinal);
        await page.ClickAsync("a[data-route='w/AMS1']");
        await page.WaitForSelectorAsync("section.wh-page[data-warehouse='AMS1']");

        await page.WaitForFunctionAsync("() => document.querySelectorAll('.move-list li.move').length >= 3", null, new() { Timeout = 30_000 });
        await page.WaitForSelectorAsync("[data-reader][data-flashes]");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('g.agv')].some(g => g.dataset.state !== 'Unknown' && g.dataset.state !== 'Unavailable')", null, new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("control-room-simulated-1366x768.png");
        Assert.Equal(2, await page.Locator(".agv-list li.agv-row").CountAsync());
        Assert.Empty(browser.PageErrors);
    }
}
