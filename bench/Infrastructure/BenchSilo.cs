using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Silo.Hosting;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// The real Silo host (Orleans + API + SignalR hub + device bridge) started in this process on 127.0.0.1 and free
/// ports, as <c>TrackingApp.Build</c> builds it for the executable. Simulator off, external broker (Mosquitto).
/// </summary>
public sealed class BenchSilo : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key";

    private readonly WebApplication _app;

    private BenchSilo(WebApplication app, Uri baseAddress, string rfidTopicPrefix)
    {
        _app = app;
        BaseAddress = baseAddress;
        RfidTopicPrefix = rfidTopicPrefix;
    }

    public Uri BaseAddress { get; }

    /// <summary>Readers publish to {prefix}/{readerId}/events; unique per silo so runs (and tests) on one broker never see each other's reads.</summary>
    public string RfidTopicPrefix { get; }

    public IServiceProvider Services => _app.Services;

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    /// <param name="postgres">Connection string for PostgreSQL storage; null = memory storage.</param>
    public static async Task<BenchSilo> StartAsync(BenchSettings settings, string? postgres, IDictionary<string, string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var httpPort = FreePort.Next();
        var rfidPrefix = $"bench-{Guid.NewGuid():N}"[..14] + "/rfid";
        var values = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Tracking:Cluster:SiloPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Tracking:Cluster:GatewayPort"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["Tracking:Auth:DevelopmentKey"] = AdminKey,
            ["Tracking:Simulator:Enabled"] = "false",
            ["Tracking:Mqtt:Mode"] = "External",
            ["Tracking:Mqtt:Host"] = settings.MqttHost,
            ["Tracking:Mqtt:Port"] = settings.MqttPort.ToString(CultureInfo.InvariantCulture),
            // Each run its own client id and shared-subscription group: nothing left over from an earlier run.
            ["Tracking:Mqtt:ClientId"] = $"bench-{Guid.NewGuid():N}",
            ["Tracking:Mqtt:SharedSubscriptionGroup"] = $"bench{Guid.NewGuid():N}"[..16],
            ["Tracking:Mqtt:RfidTopicPrefix"] = rfidPrefix,
            ["Tracking:Storage:Mode"] = postgres is null ? "Memory" : "PostgreSql",
            // Every silo as a production one runs: without the Orleans dashboard (the PostgreSQL-mode default), also where
            // the bench uses memory storage, so the ceiling and the pipeline are measured alike.
            ["Tracking:Dashboard:Enabled"] = "false",
            // Console logging of per-item warnings would measure the console: errors only (TRACKING_BENCH_SILO_LOG to diagnose).
            ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("TRACKING_BENCH_SILO_LOG") ?? "Error",
            ["Logging:LogLevel:Microsoft"] = "Error",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        if (postgres is not null)
        {
            values["Tracking:PostgreSql:ConnectionString"] = postgres;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        var app = TrackingApp.Build(values.Select(kv => $"--{kv.Key}={kv.Value}").ToArray());
        await app.StartAsync();
        return new BenchSilo(app, new Uri($"http://127.0.0.1:{httpPort}"), values["Tracking:Mqtt:RfidTopicPrefix"]);
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        // Scenarios may stop their silo early to measure something else in the same scope.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Stuck on shutdown: dispose anyway, the next scenario starts its own silo.
        }

        DisposedSilos.Track(_app.Services);
        await _app.DisposeAsync();
    }
}
