using System.Net;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Hosting;

public sealed class DashboardSettingTests
{
    [Fact]
    public async Task The_dashboard_is_served_to_admins_by_default_and_absent_when_switched_off()
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
}
