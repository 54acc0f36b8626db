using System.Net.Http.Headers;
using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Infrastructure;

/// <summary>
/// The real executable's host (Orleans silo + API + bridge), started in-process on 127.0.0.1 with free ports.
/// Several can run at once to form a cluster (AdoNet clustering on a test database).
/// </summary>
public sealed class TrackingHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key";

    private readonly WebApplication _app;

    private TrackingHost(WebApplication app, Uri baseAddress, IReadOnlyDictionary<string, string> settings)
    {
        _app = app;
        BaseAddress = baseAddress;
        Settings = settings;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyDictionary<string, string> Settings { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Starts a host. Defaults: memory storage, localhost clustering, embedded broker off (external test Mosquitto
    /// unless overridden), simulator off, an admin key <see cref="AdminKey"/> plus one key per role ("{role}-key").
    /// Pass settings to override, e.g. ["Tracking:Storage:Mode"] = "PostgreSql", and services to add (a grain call filter
    /// that injects a fault).
    /// </summary>
    public static async Task<TrackingHost> StartAsync(IDictionary<string, string>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var httpPort = TestEnvironment.FreeTcpPort();
        var settings = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Tracking:Cluster:SiloPort"] = TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracking:Cluster:GatewayPort"] = TestEnvironment.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Tracking:Auth:DevelopmentKey"] = AdminKey,
            ["Tracking:Simulator:Enabled"] = "false",
            ["Tracking:Mqtt:Mode"] = "External",
            ["Tracking:Mqtt:Host"] = "127.0.0.1",
            ["Tracking:Mqtt:Port"] = Environment.GetEnvironmentVariable("TRACKING_TEST_MQTT_PORT") ?? "1883",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var i = 0;
        foreach (var role in new[] { "viewer", "operator", "inspector", "manager", "device" })
        {
            settings[$"Tracking:Auth:ApiKeys:{i}:Name"] = $"{role}-test";
            settings[$"Tracking:Auth:ApiKeys:{i}:Sha256"] = Api.Auth.ApiKeyStore.HashHex($"{role}-key");
            settings[$"Tracking:Auth:ApiKeys:{i}:Roles:0"] = role;
            i++;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var app = TrackingApp.Build(settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray(), configureServices);
        await app.StartAsync();
        return new TrackingHost(app, new Uri($"http://127.0.0.1:{httpPort}"), settings);
    }

    /// <summary>An HTTP client signed in with the given key (admin by default); null key = anonymous.</summary>
    public HttpClient CreateClient(string? apiKey = AdminKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Stops the host gracefully; a short <paramref name="budget"/> cuts shutdown short, as a crash would.</summary>
    public async Task StopAsync(TimeSpan? budget = null)
    {
        using var cts = new CancellationTokenSource(budget ?? TimeSpan.FromSeconds(30));
        await _app.StopAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            // Already stopped or stuck on shutdown; dispose anyway.
        }

        await _app.DisposeAsync();
    }
}
