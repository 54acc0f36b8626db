using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Api.Devices;
using Tracking.Grains.Interfaces.Devices;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

[Collection("devices")]
public sealed class DeviceEndpointTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await DeviceHosts.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_device_list_shows_every_reader_and_agv_with_health()
    {
        using var viewer = _host.CreateClient("viewer-key");
        var all = await viewer.GetFromJsonAsync<DeviceList>("/api/devices", Json);
        Assert.Equal(16, all!.Readers.Count);
        Assert.Equal(8, all.Agvs.Count);
        var ams = await viewer.GetFromJsonAsync<DeviceList>("/api/devices?warehouse=AMS1", Json);
        Assert.All(ams!.Readers, r => Assert.Equal("AMS1", r.Status.Warehouse));
        Assert.Equal(["acme/AMS1-AGV-01", "acme/AMS1-AGV-02"], ams.Agvs.Select(a => a.AgvId).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/devices?warehouse=XXX")).StatusCode);
    }

    [Fact]
    public async Task Transport_tasks_are_listed_per_warehouse()
    {
        using var viewer = _host.CreateClient("viewer-key");
        Assert.NotNull(await viewer.GetFromJsonAsync<List<TransportTask>>("/api/warehouses/AMS1/transport-tasks", Json));
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/warehouses/NOPE/transport-tasks")).StatusCode);
    }

    [Fact]
    public async Task Device_endpoints_need_a_caller_with_the_right_role()
    {
        using var anonymous = _host.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/warehouses/AMS1/transport-tasks")).StatusCode);
        using var viewer = _host.CreateClient("viewer-key");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/devices/dead-letters")).StatusCode);
        using var device = _host.CreateClient("device-key");
        Assert.Equal(HttpStatusCode.Forbidden, (await device.GetAsync("/api/devices")).StatusCode);
        using var operatorClient = _host.CreateClient("operator-key");
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/api/devices/dead-letters")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await operatorClient.GetAsync("/api/devices/dead-letters?limit=5000")).StatusCode);
    }
}
