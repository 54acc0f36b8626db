using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>An AGV driven by the test: publishes VDA 5050 connection and state, and collects the orders sent to it.</summary>
internal sealed class TestAgv : IAsyncDisposable
{
    private readonly TestDevice _device;
    private long _headerId;

    private TestAgv(TestDevice device, string manufacturer, string serial)
    {
        _device = device;
        Manufacturer = manufacturer;
        Serial = serial;
    }

    public string Manufacturer { get; }

    public string Serial { get; }

    public string AgvId => $"{Manufacturer}/{Serial}";

    private string Topic(string name) => $"uagv/v2/{Manufacturer}/{Serial}/{name}";

    public static async Task<TestAgv> ConnectAsync(int port, string manufacturer, string serial, string? password = null)
    {
        var device = await TestDevice.ConnectAsync(port, username: password is null ? null : $"{manufacturer}/{serial}", password: password);
        var agv = new TestAgv(device, manufacturer, serial);
        await device.SubscribeAsync(agv.Topic("order"));
        return agv;
    }

    public Task ConnectionAsync(string state) =>
        _device.PublishAsync(Topic("connection"), JsonSerializer.Serialize(new
        {
            headerId = 0,
            timestamp = Iso(DateTimeOffset.UtcNow),
            version = "2.1.0",
            manufacturer = Manufacturer,
            serialNumber = Serial,
            connectionState = state,
        }), retain: true);

    /// <summary>Publishes a state. Actions: (actionId, type, status).</summary>
    public Task StateAsync(double x, double y, string orderId = "", long orderUpdateId = 0, double battery = 90, string lastNodeId = "N-CHARGE",
        IEnumerable<(string Id, string Type, string Status)>? actions = null, int pendingNodes = 0, long? headerId = null, DateTimeOffset? at = null,
        IEnumerable<(string Type, string Level)>? errors = null, bool driving = false)
    {
        var state = new
        {
            headerId = headerId ?? ++_headerId,
            timestamp = Iso(at ?? DateTimeOffset.UtcNow),
            version = "2.1.0",
            manufacturer = Manufacturer,
            serialNumber = Serial,
            orderId,
            orderUpdateId,
            lastNodeId,
            lastNodeSequenceId = 0,
            driving,
            operatingMode = "AUTOMATIC",
            nodeStates = Enumerable.Range(0, pendingNodes).Select(i => new { nodeId = $"N{i}", sequenceId = i * 2, released = true }).ToArray(),
            edgeStates = Array.Empty<object>(),
            agvPosition = new { x, y, theta = 0.0, mapId = "map", positionInitialized = true },
            loads = Array.Empty<object>(),
            batteryState = new { batteryCharge = battery, charging = false },
            actionStates = (actions ?? []).Select(a => new { actionId = a.Id, actionType = a.Type, actionStatus = a.Status }).ToArray(),
            errors = (errors ?? []).Select(e => new { errorType = e.Type, errorLevel = e.Level }).ToArray(),
            safetyState = new { eStop = "NONE", fieldViolation = false },
        };
        return _device.PublishAsync(Topic("state"), JsonSerializer.Serialize(state));
    }

    /// <summary>The load an order moves (the item id), wherever its pick action is.</summary>
    public static string? LoadOf(JsonObject order) => ActionOf(order, "pick")?["actionParameters"]?[0]?["value"]?.GetValue<string>();

    /// <summary>An order's pick and drop action ids and the node it drops at (an order may begin with a node to start from).</summary>
    public static (string Pick, string Drop, string DropNode) StepsOf(JsonObject order)
    {
        var drop = order["nodes"]!.AsArray().Single(n => n!["actions"]!.AsArray().Any(a => a!["actionType"]!.GetValue<string>() == "drop"))!;
        return (ActionOf(order, "pick")!["actionId"]!.GetValue<string>(), ActionOf(order, "drop")!["actionId"]!.GetValue<string>(), drop["nodeId"]!.GetValue<string>());
    }

    private static JsonNode? ActionOf(JsonObject order, string type) =>
        order["nodes"]!.AsArray().SelectMany(n => n!["actions"]!.AsArray()).FirstOrDefault(a => a!["actionType"]!.GetValue<string>() == type);

    public IReadOnlyList<JsonObject> Orders => _device.ReceivedOn(Topic("order")).Select(o => JsonNode.Parse(o)!.AsObject()).ToArray();

    public IReadOnlyList<string> RawOrders => _device.ReceivedOn(Topic("order"));

    public async Task<JsonObject> WaitForOrderAsync(Func<JsonObject, bool>? match = null, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var orders = Orders.Where(o => match?.Invoke(o) ?? true).ToArray();
            if (orders.Length >= count)
            {
                return orders[^1];
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"AGV {AgvId} received {Orders.Count} order(s), expected {count} matching");
    }

    /// <summary>Every order the AGV received must validate against the official VDA 5050 2.1 order schema.</summary>
    public async Task AssertOrdersValidAsync()
    {
        var schema = await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(ProtocolDirectory, "vda5050-2.1", "order.schema.json")));
        Assert.NotEmpty(RawOrders);
        foreach (var order in RawOrders)
        {
            Assert.Empty(schema.Validate(order));
        }
    }

    /// <summary>Clears the retained connection message so later tests start clean.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_device.IsConnected)
        {
            await _device.PublishAsync(Topic("connection"), Array.Empty<byte>());
        }

        await _device.DisposeAsync();
    }

    private static string ProtocolDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "protocols");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            return Path.Combine(TestEnvironment.SharedDirectory, "protocols");
        }
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
