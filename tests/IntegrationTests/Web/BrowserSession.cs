using Microsoft.Playwright;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Web;

/// <summary>Debian's headless Chromium driven by Playwright (no browser download), one page per session.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Errors the page logged (uncaught exceptions and console errors), to fail a test that hid one.</summary>
    public List<string> PageErrors { get; } = [];

    public static async Task<BrowserSession> StartAsync(Uri baseAddress, int width = 1366, int height = 768)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumExecutable,
            Headless = true,
            Args = ChromiumArgs,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(playwright, browser, context, page);
        page.PageError += (_, error) => session.PageErrors.Add(error);
        page.Console += (_, message) =>
        {
            // A 404 from an optional endpoint (a feature not deployed) is the page degrading as designed, not an error.
            if (message.Type == "error" && !message.Text.Contains("status of 404", StringComparison.Ordinal))
            {
                session.PageErrors.Add(message.Text);
            }
        };
        return session;
    }

    public async Task ScreenshotAsync(string name)
    {
        var path = Path.Combine(TestEnvironment.ArtifactsDirectory, name);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
