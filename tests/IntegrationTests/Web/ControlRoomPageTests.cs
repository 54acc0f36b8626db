using Microsoft.Playwright;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Live;

namespace Tracking.IntegrationTests.Web;

/// <summary>The control-room page in a real Chromium against a real silo: sign in, pick, watch the map change.</summary>
public sealed class ControlRoomPageTests(LiveHostFixture fixture) : IClassFixture<LiveHostFixture>
{
    private TrackingHost Host => fixture.Host;

    /// <summary>
    /// Waits for this channel's own snapshot, not just any channel's. Its feed subscribes to the stream before it takes
    /// the snapshot, so an event published after that is delivered; one published earlier may be missed (live streams
    /// are best-effort and maps heal on the next refresh).
    /// </summary>
    private static Task WaitForSnapshotAsync(IPage page, string channel) =>
        page.WaitForFunctionAsync($"() => {{ const c = window.trackingLive.channels.get('{channel}'); return !!c && !c.syncing && c.epoch !== null; }}");

    private static async Task SignInAsync(IPage page, string key = "viewer-key")
    {
        await page.GotoAsync("/");
        await page.FillAsync("#key-input", key);
        await page.ClickAsync("#sign-in-button");
        await page.WaitForSelectorAsync("#status[data-state='live']");
    }

    private static async Task OpenWarehouseAsync(IPage page, string warehouse)
    {
        await page.ClickAsync($"a[data-route='w/{warehouse}']");
        await page.WaitForSelectorAsync($"section.wh-page[data-warehouse='{warehouse}'] [data-zone='INSP']");
        await WaitForSnapshotAsync(page, $"warehouse:{warehouse}");
    }

    private static async Task<string> TextAsync(IPage page, string selector) => await page.Locator(selector).TextContentAsync() ?? "";

    [Fact]
    public async Task A_watcher_sees_a_gate_read_from_the_broker_raise_the_dock_count_and_an_agv_state_move_its_marker()
    {
        await using var devices = await FloorDevices.ConnectAsync(Host);
        await devices.WaitUntilBridgedAsync(Host);
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        Assert.Contains("storage Memory", await TextAsync(page, "#modes"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#demo-banner").IsVisibleAsync());

        await page.ClickAsync("a[data-route='w/CHI1']");
        await page.WaitForSelectorAsync("section.wh-page[data-warehouse='CHI1'] [data-zone='DOCK-IN']");
        await WaitForSnapshotAsync(page, "warehouse:CHI1");
        var before = int.Parse(await TextAsync(page, "[data-zone='DOCK-IN'] .zone-count"), System.Globalization.CultureInfo.InvariantCulture);

        // The inbound gate's reader publishes a Zebra read of a tag on antenna 1 (DOCK-IN-01) to Mosquitto. The bridge
        // hands it to the gate grain, the item grain receives the unknown tag on the dock, and the page hears of both.
        var epc = FloorDevices.NewEpc();
        await devices.ZebraReadAsync("CHI1-GATE-IN", epc, antenna: 1);
        await page.WaitForFunctionAsync($"() => document.querySelector(\"[data-zone='DOCK-IN'] .zone-count\").textContent === '{before + 1}'");
        await page.WaitForSelectorAsync("[data-reader='CHI1-GATE-IN'][data-flashes]");
        await page.WaitForSelectorAsync($".move-list [data-item='{epc}']");
        Assert.Equal("→ DOCK-IN-01", await TextAsync(page, $".move-list li:has([data-item='{epc}']) .route"));

        // An AGV publishes a VDA 5050 state with its position on this warehouse's map: its marker moves there.
        await devices.AgvStateAsync("acme/CHI1-AGV-01", "CHI1", 25, 20, battery: 64);
        await page.WaitForSelectorAsync("g.agv[data-agv='acme/CHI1-AGV-01'][data-x='25'][data-y='20']");
        var title = await page.Locator("g.agv[data-agv='acme/CHI1-AGV-01'] title").TextContentAsync() ?? "";
        Assert.Contains("Executing", title, StringComparison.Ordinal);
        Assert.Contains("battery 64%", title, StringComparison.Ordinal);
        // The lists are redrawn once per animation frame, so the list may show the AGV a frame after its marker moved.
        await page.WaitForFunctionAsync("() => document.querySelector(\".agv-list [data-agv='acme/CHI1-AGV-01'] .battery\")?.textContent.includes('64%')");

        await Host.Grains.GetGrain<IAlertsGrain>("CHI1").RaiseAsync(
            new Alert("silent-reader:CHI1-GATE-OUT", "CHI1", AlertKind.SilentReader, AlertSeverity.Critical, "Outbound gate silent for 10 minutes", "CHI1-GATE-OUT", DateTimeOffset.UtcNow));
        await page.WaitForSelectorAsync(".alerts-list [data-alert='silent-reader:CHI1-GATE-OUT']");

        await devices.AgvStateAsync("acme/CHI1-AGV-02", "CHI1", 8, 30, battery: 18);
        await page.WaitForSelectorAsync("g.agv[data-agv='acme/CHI1-AGV-02'][data-x='8'][data-y='30']");
        await page.WaitForSelectorAsync("g.agv[data-agv='acme/CHI1-AGV-02'] .agv-battery.low");
        await page.WaitForTimeoutAsync(600); // let the marker's transition finish before the picture
        await browser.ScreenshotAsync("control-room-1366x768.png");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task Searching_a_sku_lists_its_items_and_opening_one_goes_to_its_warehouse_highlights_its_location_and_shows_its_history()
    {
        await Host.Grains.GetGrain<IReturnedItemGrain>("LP-WEB-SEARCH-1")
            .ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-02", Grains.Interfaces.Common.Actor.User("operator"), null, "SKU-WEB-SEARCH"));
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        await page.ClickAsync("a[data-route='w/NYC1']");
        await page.WaitForSelectorAsync("section.wh-page[data-warehouse='NYC1']");

        await page.FillAsync("#search-input", "sku-web-search");
        await page.PressAsync("#search-input", "Enter");
        await page.ClickAsync("#drawer [data-result='LP-WEB-SEARCH-1'] button");

        await page.WaitForSelectorAsync("#drawer .item-view[data-item='LP-WEB-SEARCH-1']");
        await page.WaitForSelectorAsync("section.wh-page[data-warehouse='AMS1'] [data-location='DOCK-IN-02'].highlight");
        Assert.Contains("received", await TextAsync(page, "#drawer .timeline"), StringComparison.Ordinal);
        Assert.Contains("SKU-WEB-SEARCH", await TextAsync(page, "#drawer dl"), StringComparison.Ordinal);
        await browser.ScreenshotAsync("search-sku-1366x768.png");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task A_slow_search_that_answers_after_a_newer_one_does_not_replace_it()
    {
        await Host.Grains.GetGrain<IReturnedItemGrain>("LP-WEB-RACE-1")
            .ReceiveAsync(new ReceiveItem("AMS1", "DOCK-IN-01", Grains.Interfaces.Common.Actor.User("operator"), null, "SKU-WEB-RACE"));
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        // The SKU search asks every location; here it is slow on purpose.
        await page.RouteAsync("**/api/items?sku=*", async route =>
        {
            await Task.Delay(2000);
            await route.ContinueAsync();
        });

        await page.FillAsync("#search-input", "SKU-WEB-RACE");
        await page.PressAsync("#search-input", "Enter");
        await page.FillAsync("#search-input", "LP-WEB-RACE-1");
        await page.PressAsync("#search-input", "Enter");
        await page.WaitForSelectorAsync("#drawer .item-view[data-item='LP-WEB-RACE-1']");
        await page.WaitForRequestFinishedAsync(new PageWaitForRequestFinishedOptions { Predicate = r => r.Url.Contains("sku=SKU-WEB-RACE", StringComparison.Ordinal) });
        await page.WaitForTimeoutAsync(300);

        Assert.Equal(1, await page.Locator("#drawer .item-view[data-item='LP-WEB-RACE-1']").CountAsync());
        Assert.Equal(0, await page.Locator("#drawer [data-result]").CountAsync());
    }

    [Fact]
    public async Task A_page_that_missed_deltas_resyncs_and_shows_the_current_state()
    {
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        // NYC1's own snapshot, not just any channel's: changing the sequence of a channel still syncing would be overwritten.
        await OpenWarehouseAsync(page, "NYC1");

        // Force a gap: the page pretends it has seen fewer deltas than it has, so the next delta does not follow on.
        await page.EvaluateAsync("() => { const c = window.trackingLive.channels.get('warehouse:NYC1'); c.seq -= 1; }");
        await Host.PublishAsync(LiveEvents.Arrived("E280689400005001GAPWEB1", "NYC1/INSP-01", "NYC1") with { Status = ItemStatus.AwaitingInspection });

        await page.WaitForFunctionAsync("() => window.trackingLive.stats.resyncs > 0");
        await page.WaitForFunctionAsync("() => Number(document.querySelector(\"[data-location='INSP-01']\").dataset.count) >= 1");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task The_region_page_shows_backlog_bars_and_a_transfer_in_transit_on_a_tablet()
    {
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress, width: 820, height: 1180);
        var page = browser.Page;
        await SignInAsync(page, "manager-key");
        await page.ClickAsync("a[data-route='r/EU']");
        await page.WaitForSelectorAsync("section.region-page .wh-card[data-warehouse='BER1']");
        await WaitForSnapshotAsync(page, "region:EU");

        await Host.PublishToRegionAsync("EU", new TransferChanged("AMS1", DateTimeOffset.UtcNow, "TR-WEB-1", "AMS1", "BER1", "InTransit", 40, DateTimeOffset.UtcNow.AddHours(8)));

        await page.WaitForSelectorAsync(".transfer-list [data-transfer='TR-WEB-1']");
        await page.WaitForSelectorAsync("svg.net path.transfer[data-transfer='TR-WEB-1']");
        await browser.ScreenshotAsync("region-eu-tablet.png");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_at_sign_in_and_nothing_is_shown()
    {
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await page.GotoAsync("/");
        await page.FillAsync("#key-input", "not-a-key");
        await page.ClickAsync("#sign-in-button");
        await page.WaitForSelectorAsync("#sign-in-error:not([hidden])");
        Assert.Contains("not known", await TextAsync(page, "#sign-in-error"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("section.wh-page").CountAsync());
    }

    [Fact]
    public async Task A_reload_while_the_server_cannot_be_reached_keeps_the_key_and_the_page_comes_back_by_itself()
    {
        // A wall display reloaded during a silo restart: nobody is there to type the key again.
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        await page.RouteAsync("**/api/system/info", route => route.FulfillAsync(new RouteFulfillOptions { Status = 503 }));

        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#status[data-state='offline']");
        Assert.Equal("viewer-key", await page.EvaluateAsync<string>("() => sessionStorage.getItem('tracking.key')"));
        Assert.Equal(0, await page.Locator("#sign-in[open]").CountAsync());

        await page.UnrouteAsync("**/api/system/info");
        await page.WaitForSelectorAsync("#status[data-state='live']", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await page.WaitForSelectorAsync("section.wh-page");
    }

    [Fact]
    public async Task A_key_the_hub_stops_accepting_while_reconnecting_brings_back_the_sign_in()
    {
        // Keys rotated at a restart: the page must ask for a key, not show "reconnecting" forever.
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        await page.RouteAsync("**/hubs/live/negotiate**", route => route.FulfillAsync(new RouteFulfillOptions { Status = 401 }));

        await page.EvaluateAsync("() => window.trackingLive.connection.connection.stop(new Error('test: connection dropped'))");

        await page.WaitForSelectorAsync("#sign-in[open]", new PageWaitForSelectorOptions { Timeout = 30_000 });
        Assert.Contains("rejected", await TextAsync(page, "#sign-in-error"), StringComparison.Ordinal);

        // Signed in again, the page watches the new connection, not the dead one.
        await page.UnrouteAsync("**/hubs/live/negotiate**");
        await page.FillAsync("#key-input", "viewer-key");
        await page.ClickAsync("#sign-in-button");
        await page.WaitForSelectorAsync("#status[data-state='live']");
        await page.WaitForFunctionAsync("() => window.trackingLive.connection.state === 'Connected' && [...window.trackingLive.channels.values()].some(c => c.epoch !== null)");
    }

    [Fact]
    public async Task A_tab_in_the_background_queues_no_move_animations_and_a_burst_draws_a_bounded_number()
    {
        await using var browser = await BrowserSession.StartAsync(Host.BaseAddress);
        var page = browser.Page;
        await SignInAsync(page);
        await OpenWarehouseAsync(page, "BER1");
        await page.EvaluateAsync("""
            () => {
              window.maxDots = 0;
              new MutationObserver(() => { window.maxDots = Math.max(window.maxDots, document.querySelectorAll('.move-dot').length); })
                .observe(document.body, { childList: true, subtree: true });
              // What a browser does to a tab in the background: hidden, and animation frames held until it is shown.
              window.heldFrames = [];
              window.shownRequestAnimationFrame = window.requestAnimationFrame;
              window.requestAnimationFrame = cb => window.heldFrames.push(cb);
              Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
            }
            """);

        await PublishMovesAsync(page, "BER1", "HIDDEN", 150, agvX: 11);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.maxDots"));
        Assert.True(await page.EvaluateAsync<int>("() => window.heldFrames.length") <= 2, "a hidden tab must not queue a frame per move");

        // Shown again: the held frames run and the lists show the latest move.
        await page.EvaluateAsync("""
            () => {
              delete document.hidden;
              window.requestAnimationFrame = window.shownRequestAnimationFrame;
              window.heldFrames.splice(0).forEach(cb => cb(performance.now()));
            }
            """);
        await page.WaitForSelectorAsync(".move-list [data-item='E2806894000050HIDDEN0149']");

        // Visible, a burst faster than the dots fade draws a bounded number of them at once.
        await PublishMovesAsync(page, "BER1", "BURST0", 150, agvX: 12);
        var most = await page.EvaluateAsync<int>("() => window.maxDots");
        Assert.InRange(most, 1, 40);
        Assert.Empty(browser.PageErrors);
    }

    /// <summary>Item arrivals on the warehouse's live stream, then an AGV position: its marker tells they all reached the page.</summary>
    private async Task PublishMovesAsync(IPage page, string warehouse, string tag, int count, double agvX)
    {
        for (var i = 0; i < count; i++)
        {
            await Host.PublishAsync(LiveEvents.Arrived($"E2806894000050{tag}{i:D4}", $"{warehouse}/INSP-01", warehouse));
        }

        await Host.PublishAsync(LiveEvents.AgvAt($"acme/{warehouse}-AGV-02", agvX, 9, warehouse));
        await page.WaitForSelectorAsync($"g.agv[data-agv='acme/{warehouse}-AGV-02'][data-x='{agvX}']");
    }
}
