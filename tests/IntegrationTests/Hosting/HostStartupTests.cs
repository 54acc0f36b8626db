using System.Net;
using System.Net.Http.Json;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Hosting;

public sealed class HostStartupTests : IAsyncLifetime
{
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_started_host_is_ready_on_loopback()
    {
        using var client = _host.CreateClient(apiKey: null);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/health/ready")).StatusCode;
            if (status == HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_call_is_rejected_with_401()
    {
        using var client = _host.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/system/info")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_key_is_rejected_with_401()
    {
        using var client = _host.CreateClient(apiKey: "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/system/info")).StatusCode);
    }

    [Fact]
    public async Task A_caller_without_the_role_is_rejected_with_403()
    {
        using var viewer = _host.CreateClient(apiKey: "viewer-key");
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/system/info")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/dashboard/")).StatusCode);
        using var device = _host.CreateClient(apiKey: "device-key");
        Assert.Equal(HttpStatusCode.Forbidden, (await device.GetAsync("/api/system/info")).StatusCode);
    }

    [Fact]
    public async Task The_system_info_says_which_modes_run()
    {
        using var client = _host.CreateClient();
        var info = await client.GetFromJsonAsync<Api.System.SystemInfo>("/api/system/info");
        Assert.NotNull(info);
        Assert.Equal("Localhost", info.Cluster);
        Assert.Equal("Memory", info.Storage);
        Assert.True(info.Demo);
    }
}
