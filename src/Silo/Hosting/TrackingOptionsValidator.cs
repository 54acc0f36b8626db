using System.Net;
using Microsoft.Extensions.Options;

namespace Tracking.Silo.Hosting;

/// <summary>Checked at start-up: each failure names the setting and how to fix it.</summary>
public sealed class TrackingOptionsValidator : IValidateOptions<TrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var needsPostgres = options.Cluster.Mode == ClusterMode.AdoNet || options.Storage.Mode == StorageMode.PostgreSql;
        if (needsPostgres && string.IsNullOrWhiteSpace(options.PostgreSql.ConnectionString))
        {
            failures.Add(
                $"Tracking:PostgreSql:ConnectionString is empty but Tracking:Cluster:Mode={options.Cluster.Mode} and Tracking:Storage:Mode={options.Storage.Mode} need PostgreSQL. " +
                "Set it (e.g. environment variable Tracking__PostgreSql__ConnectionString=\"Host=127.0.0.1;Port=5432;Database=tracking;Username=tracking;Password=...\") or use Mode=Localhost / Mode=Memory.");
        }

        CheckPort(failures, "Tracking:Cluster:SiloPort", options.Cluster.SiloPort);
        CheckPort(failures, "Tracking:Cluster:GatewayPort", options.Cluster.GatewayPort);
        if (options.Cluster.SiloPort == options.Cluster.GatewayPort)
        {
            failures.Add("Tracking:Cluster:SiloPort and Tracking:Cluster:GatewayPort must differ.");
        }

        if (!IPAddress.TryParse(options.Cluster.AdvertisedIp, out _))
        {
            failures.Add($"Tracking:Cluster:AdvertisedIp '{options.Cluster.AdvertisedIp}' is not an IP address (e.g. 127.0.0.1).");
        }

        if (string.IsNullOrWhiteSpace(options.Cluster.ClusterId) || string.IsNullOrWhiteSpace(options.Cluster.ServiceId))
        {
            failures.Add("Tracking:Cluster:ClusterId and Tracking:Cluster:ServiceId must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Site.SeedFile))
        {
            failures.Add("Tracking:Site:SeedFile must name a site JSON file (the default is Site/sample-site.json).");
        }

        if (options.Streams.PollInterval < TimeSpan.FromMilliseconds(1) || options.Streams.PollInterval > TimeSpan.FromSeconds(1))
        {
            failures.Add($"Tracking:Streams:PollInterval = {options.Streams.PollInterval} must be between 00:00:00.001 and 00:00:01 (the default is 00:00:00.001).");
        }

        if (options.Streams.IdleWait < TimeSpan.Zero || options.Streams.IdleWait > TimeSpan.FromSeconds(1))
        {
            failures.Add($"Tracking:Streams:IdleWait = {options.Streams.IdleWait} must be between 00:00:00 (no doorbell) and 00:00:01 (the default is 00:00:00.020).");
        }

        if (options.Streams.Queues is < 1 or > 64)
        {
            failures.Add($"Tracking:Streams:Queues = {options.Streams.Queues} must be between 1 and 64 (the default is 2).");
        }

        if (options.Streams.CacheRetention < TimeSpan.FromSeconds(1) || options.Streams.CacheRetention > TimeSpan.FromHours(1))
        {
            failures.Add($"Tracking:Streams:CacheRetention = {options.Streams.CacheRetention} must be between 00:00:01 and 01:00:00 (the default is 00:00:30).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{key} = {port} is not a TCP port (1-65535).");
        }
    }
}
