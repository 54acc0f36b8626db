using System.Net;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

public sealed class DashboardSettingTests
{
    [Theory]
    [InlineData(StorageMode.Memory, null, true)]
    [InlineData(StorageMode.PostgreSql, null, false)]
    [InlineData(StorageMode.PostgreSql, true, true)]
    [InlineData(StorageMode.Memory, false, false)]
    public void Unset_the_dashboard_runs_in_the_demo_only_and_an_explicit_setting_wins(StorageMode storage, bool? setting, bool enabled) =>
        Assert.Equal(enabled, new DashboardSettings { Enabled = setting }.IsEnabled(storage));

    [Fact]
    public async Task The_dashboard_is_served_to_admins_by_default_in_the_demo_and_absent_when_switched_off()
    {
        await using (var standard = await TrackingHost.StartAsync())
        {
            using var admin = standard.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/dashboard/")).StatusCode);
        }

        await using var lean = await TrackingHost.StartAsync(new Dictionary<string, string> { ["Tracking:Dashboard:Enabled"] = "false" });
        using var client = lean.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/system/info")).StatusCode);
    }

    [Fact]
    public async Task The_key_cookie_opens_the_dashboard_and_nothing_else()
    {
        await using var host = await TrackingHost.StartAsync();
        using var browserLike = new HttpClient { BaseAddress = host.BaseAddress };
        browserLike.DefaultRequestHeaders.Add("Cookie", $"tracking_key={TrackingHost.AdminKey}");

        Assert.Equal(HttpStatusCode.OK, (await browserLike.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browserLike.GetAsync("/api/system/info")).StatusCode);
    }
}
