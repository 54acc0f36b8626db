using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Items;

/// <summary><c>GET /api/items?sku=&amp;rma=&amp;warehouse=&amp;limit=</c> over real HTTP against a real silo.</summary>
public sealed class ItemSearchTests(ItemsHostFixture fixture) : IClassFixture<ItemsHostFixture>
{
    private TrackingHost Host => fixture.Host;

    private async Task ReceiveAsync(string itemId, string warehouse, string location, string? sku = null, string? rmaId = null)
    {
        using var operatorClient = Host.CreateClient("operator-key");
        var response = await operatorClient.PostAsJsonAsync($"/api/items/{itemId}/receive", new { warehouse, location, sku, rmaId });
        Assert.True(response.IsSuccessStatusCode, $"receive {itemId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<JsonObject> SearchAsync(string query, string key = "viewer-key")
    {
        using var viewer = Host.CreateClient(key);
        var response = await viewer.GetAsync($"/api/items?{query}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static string[] Ids(JsonObject result) => [.. result["items"]!.AsArray().Select(i => i!["itemId"]!.GetValue<string>())];

    [Fact]
    public async Task A_sku_search_finds_the_items_of_that_sku_on_the_floor_of_one_warehouse_or_of_all()
    {
        await ReceiveAsync("LP-SKU-A1", "AMS1", "DOCK-IN-01", "SKU-SEARCH-A");
        await ReceiveAsync("LP-SKU-A2", "AMS1", "DOCK-IN-02", "SKU-SEARCH-A");
        await ReceiveAsync("LP-SKU-A3", "BER1", "DOCK-IN-01", "SKU-SEARCH-A");
        await ReceiveAsync("LP-SKU-B1", "AMS1", "DOCK-IN-01", "SKU-SEARCH-B");

        var inAms = await SearchAsync("sku=sku-search-a&warehouse=ams1");
        Assert.Equal(["LP-SKU-A1", "LP-SKU-A2"], Ids(inAms));
        Assert.False(inAms["truncated"]!.GetValue<bool>());
        var first = inAms["items"]![0]!;
        Assert.Equal(("SKU-SEARCH-A", "AMS1", "DOCK-IN-01", "Received"),
            (first["sku"]!.GetValue<string>(), first["warehouse"]!.GetValue<string>(), first["location"]!.GetValue<string>(), first["status"]!.GetValue<string>()));

        Assert.Equal(["LP-SKU-A1", "LP-SKU-A2", "LP-SKU-A3"], Ids(await SearchAsync("sku=SKU-SEARCH-A")));

        var limited = await SearchAsync("sku=SKU-SEARCH-A&limit=2");
        Assert.Equal(["LP-SKU-A1", "LP-SKU-A2"], Ids(limited));
        Assert.True(limited["truncated"]!.GetValue<bool>());

        Assert.Empty(Ids(await SearchAsync("sku=SKU-NOBODY-HAS")));
    }

    [Fact]
    public async Task A_search_follows_an_item_that_moved_to_another_location()
    {
        await ReceiveAsync("LP-SKU-MOVE", "NYC1", "DOCK-IN-01", "SKU-SEARCH-MOVE");

        // The inbound gate then sees the item on the other dock: it leaves the first location's contents.
        await Host.Grains.GetGrain<IReturnedItemGrain>("LP-SKU-MOVE").ObserveAsync(new ObserveItem("NYC1", "DOCK-IN-02", "NYC1-GATE-IN", DateTimeOffset.UtcNow));

        var found = Assert.Single((await SearchAsync("sku=SKU-SEARCH-MOVE&warehouse=NYC1"))["items"]!.AsArray());
        Assert.Equal("DOCK-IN-02", found!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_rma_search_lists_its_received_units_and_its_announced_serials_filtered_by_sku_and_warehouse()
    {
        using var manager = Host.CreateClient("manager-key");
        var created = await manager.PostAsJsonAsync("/api/rmas", new
        {
            rmaId = "RMA-SEARCH-1",
            orderReference = "ORD-SEARCH-1",
            channel = "Web",
            customerRegion = "EU",
            expectedWarehouse = "AMS1",
            refundPolicy = "OnReceipt",
            lines = new object[]
            {
                new { sku = "SKU-RMA-SHOE", quantity = 2, reasonCode = "NOT_WANTED" },
                new { sku = "SKU-RMA-PHONE", quantity = 1, reasonCode = "DEFECTIVE", serial = "SN-RMA-SEARCH-PHONE" },
            },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        await ReceiveAsync("LP-RMA-SHOE-1", "AMS1", "DOCK-IN-01", rmaId: "RMA-SEARCH-1", sku: "SKU-RMA-SHOE");

        var all = await SearchAsync("rma=RMA-SEARCH-1");
        Assert.Equal(["LP-RMA-SHOE-1", "SN-RMA-SEARCH-PHONE"], Ids(all));
        Assert.Equal("Expected", all["items"]![1]!["status"]!.GetValue<string>());

        Assert.Equal(["LP-RMA-SHOE-1"], Ids(await SearchAsync("rma=RMA-SEARCH-1&sku=sku-rma-shoe")));
        Assert.Equal(["LP-RMA-SHOE-1", "SN-RMA-SEARCH-PHONE"], Ids(await SearchAsync("rma=RMA-SEARCH-1&warehouse=AMS1"))); // expected there
        Assert.Empty(Ids(await SearchAsync("rma=RMA-SEARCH-1&warehouse=BER1")));
        Assert.Empty(Ids(await SearchAsync("rma=RMA-NOT-THERE")));
    }

    [Theory]
    [InlineData("", "sku")]
    [InlineData("warehouse=AMS1", "sku")]
    [InlineData("sku=X&warehouse=NOPE", "warehouse")]
    [InlineData("sku=X&limit=0", "limit")]
    [InlineData("sku=X&limit=201", "limit")]
    [InlineData("sku=%01bad", "sku")]
    [InlineData("rma=not%20an%20id", "rma")]
    public async Task A_search_with_bad_parameters_is_refused_with_a_problem_naming_the_field(string query, string field)
    {
        using var viewer = Host.CreateClient("viewer-key");
        var response = await viewer.GetAsync($"/api/items?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Searching_needs_a_key_with_a_view_role()
    {
        using var anonymous = Host.CreateClient(apiKey: null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/items?sku=X")).StatusCode);
        using var unknown = Host.CreateClient("not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await unknown.GetAsync("/api/items?sku=X")).StatusCode);
        using var device = Host.CreateClient("device-key");
        Assert.Equal(HttpStatusCode.Forbidden, (await device.GetAsync("/api/items?sku=X")).StatusCode);
    }
}
