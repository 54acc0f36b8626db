using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
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
            // Orleans' binary serializer instead of the default JSON one: the memory provider serializes the whole state
            // on every write, and JSON made that the largest CPU cost of the live-latency benchmark (dotnet-trace).
            silo.AddMemoryGrainStorageAsDefault(BinaryState);
            silo.AddMemoryGrainStorage("PubSubStore", BinaryState);
            silo.UseInMemoryReminderService();
        }

        // Memory streams poll every 100 ms by default; 1 ms on 2 queues keeps publish -> browser latency near 5 ms at the
        // idle cost of the earlier 5 ms on 8 queues (Tracking:Streams). Handing a
        // subscriber up to 100 queued events per call (default 1) keeps a busy warehouse's stream from queueing up behind
        // one delivery call per event (see docs/decisions/0005).
        silo.AddMemoryStreams(LiveStreams.Provider, b =>
        {
            b.ConfigurePartitioning(options.Streams.Queues);
            b.ConfigurePullingAgent(o => o.Configure(p =>
            {
                p.GetQueueMsgsTimerPeriod = options.Streams.PollInterval;
                p.BatchContainerBatchSize = 100;
            }));
        });
        if (options.Dashboard.Enabled)
        {
            silo.AddDashboard();
        }
    }

    private static void BinaryState(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
}
