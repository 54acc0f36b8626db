using System.Security.Cryptography;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Scalar.AspNetCore;
using Tracking.Api;
using Tracking.DeviceBridge.Simulator;
using Tracking.Api.Auth;
using Tracking.Api.System;
using Tracking.DeviceBridge;
using Tracking.Grains.Items;
using Tracking.Grains.Regions;
using Tracking.Grains.Warehouses;
using Tracking.Silo.Health;
using Tracking.Silo.Storage;

namespace Tracking.Silo.Hosting;

/// <summary>Builds the one executable: Orleans silo + REST + SignalR + web UI + device bridge in one process.</summary>
public static partial class TrackingApp
{
    /// <param name="args">Command-line settings (<c>--Tracking:Storage:Mode=PostgreSql</c>).</param>
    /// <param name="configureServices">Last additions to the services before the app is built; tests put faults in grain calls this way.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });

        var options = builder.Configuration.GetSection(TrackingOptions.Section).Get<TrackingOptions>() ?? new TrackingOptions();
        var validation = new TrackingOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(TrackingOptions.Section, typeof(TrackingOptions), validation.Failures);
        }

        var (generatedKey, noWayIn) = EnsureSomeKey(builder.Configuration, demo: options.Storage.Mode == StorageMode.Memory);
        var site = SiteLoader.Load(Path.GetFullPath(options.Site.SeedFile, AppContext.BaseDirectory));
        var info = new SystemInfo(
            Cluster: options.Cluster.Mode.ToString(),
            Storage: options.Storage.Mode.ToString(),
            Broker: builder.Configuration["Tracking:Mqtt:Mode"] ?? "Embedded",
            Simulator: SimulatorSwitch.DevicesEnabled(builder.Configuration),
            Demo: options.Storage.Mode == StorageMode.Memory,
            Version: typeof(TrackingApp).Assembly.GetName().Version?.ToString() ?? "0.0.0");

        builder.Services.AddOptions<TrackingOptions>().Bind(builder.Configuration.GetSection(TrackingOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TrackingOptions>, TrackingOptionsValidator>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(info);
        builder.Services.AddSingleton(site);
        builder.Services.AddSingleton<SiteCatalog>();
        if (options.Runtime.PreciseTimers)
        {
            // Registered before Orleans and the features, which only add TimeProvider.System when none is there.
            builder.Services.AddSingleton<TimeProvider>(PreciseTimeProvider.Shared);
        }

        if (options.Runtime.KeepBackgroundGcThread && BackgroundGcThreadKeeper.Applies)
        {
            builder.Services.AddHostedService<BackgroundGcThreadKeeper>();
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        if (options.Storage.Mode == StorageMode.PostgreSql || options.Cluster.Mode == ClusterMode.AdoNet)
        {
            // Schema first: Orleans' providers read their queries from the OrleansQuery table at start-up.
            builder.Services.AddSingleton(sp => new PostgresMigrator(options.PostgreSql.ConnectionString!, sp.GetRequiredService<ILogger<PostgresMigrator>>()));
            if (options.Storage.MigrateOnStart)
            {
                builder.Services.AddHostedService<MigrationHostedService>();
            }
        }

        builder.Services.AddItemLifecycle(builder.Configuration, options.Storage.Mode == StorageMode.PostgreSql ? options.PostgreSql.ConnectionString : null);
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, builder.Configuration));
        builder.Services.AddTrackingApi(builder.Configuration);
        builder.Services.AddDeviceBridge(builder.Configuration);
        builder.Services.AddRegionsAndTransfers(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"])
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"]);

        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        // Probes stay anonymous (orchestrators call them without keys); they reveal only up/down per dependency.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapTrackingApi();
        app.MapScalarApiReference("/scalar").RequireAuthorization(Policies.View);
        if (options.Dashboard.IsEnabled(options.Storage.Mode))
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(Policies.Admin);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tracking");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            LogStarted(logger, info.Cluster, info.Storage, info.Broker, info.Simulator ? "on" : "off", string.Join(", ", addresses));
            if (info.Demo)
            {
                LogDemo(logger);
            }

            if (generatedKey is not null)
            {
                LogGeneratedKey(logger, generatedKey);
            }

            if (noWayIn)
            {
                LogNoWayIn(logger);
            }
        });
        return app;
    }

    /// <summary>
    /// With no key configured at all, a local demo would lock everyone out: make one and say so. Not beyond the demo: an
    /// admin key made up per silo and written to the log (and whatever collects it) is no way to run production, so
    /// there the API stays shut (every call 401) and the log says what to configure.
    /// </summary>
    private static (string? Key, bool NoWayIn) EnsureSomeKey(ConfigurationManager configuration, bool demo)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        // A site that signs its users in with JWT has a way in already: no admin key is made (and printed) beside it.
        if (!string.IsNullOrEmpty(auth.DevelopmentKey) || auth.ApiKeys.Count > 0 || auth.Jwt.Enabled)
        {
            return (null, false);
        }

        if (!demo || !auth.GenerateDevelopmentKey)
        {
            return (null, true);
        }

        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        configuration.AddInMemoryCollection([new("Tracking:Auth:DevelopmentKey", key)]);
        return (key, false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Tracking is running: cluster={Cluster}, storage={Storage}, broker={Broker}, simulator={Simulator}. Web UI and API: {Addresses}")]
    private static partial void LogStarted(ILogger logger, string cluster, string storage, string broker, string simulator, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE: grain state is kept in memory and lost when this process exits. Use Tracking:Storage:Mode=PostgreSql for real work.")]
    private static partial void LogDemo(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "No API key and no JWT sign-in configured: every API and live-map call is refused (401). Configure Tracking:Auth:ApiKeys (SHA-256 hashes) or Tracking:Auth:Jwt")]
    private static partial void LogNoWayIn(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key configured: generated development admin key {Key} (send it as X-Api-Key, or fix it with --Tracking:Auth:DevelopmentKey=...)")]
    private static partial void LogGeneratedKey(ILogger logger, string key);
}
