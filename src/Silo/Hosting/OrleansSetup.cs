using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using Tracking.Silo.Storage.GrainState;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Silo.Hosting;

/// <summary>Orleans silo configuration for each cluster and storage mode.</summary>
public static class OrleansSetup
{
    private const string Invariant = "Npgsql";

    public static void Configure(ISiloBuilder silo, TrackingOptions options, IConfiguration configuration)
    {
        var cluster = options.Cluster;
        var connectionString = options.PostgreSql.ConnectionString;
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });

        if (cluster.Mode == ClusterMode.Localhost)
        {
            var primary = new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort ?? cluster.SiloPort);
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, primary, cluster.ServiceId, cluster.ClusterId);
        }
        else
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedIp), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
        }

        if (options.Storage.Mode == StorageMode.PostgreSql)
        {
            if (options.Storage.GrainState == GrainStateProvider.Batched)
            {
                silo.AddBatchedGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, connectionString!, configuration);
            }
            else
            {
                silo.AddAdoNetGrainStorageAsDefault(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                });
            }

            silo.AddAdoNetGrainStorage("PubSubStore", o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
        }
        else
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.UseInMemoryReminderService();
        }

        // Memory streams poll every 100 ms by default; 5 ms keeps publish -> browser latency in single-digit ms.
        silo.AddMemoryStreams(LiveStreams.Provider, b => b.ConfigurePullingAgent(o => o.Configure(p => p.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(5))));
        silo.AddDashboard();
    }
}
