using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Microsoft.Extensions.Options;
using Orleans.Providers;
using Orleans.Serialization;
using Orleans.Storage;
using Tracking.Silo.Live;
using Tracking.Silo.Storage.GrainState;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Live;

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

        // Orleans' memory streams, with a doorbell that wakes a queue's pulling agent when this silo publishes, instead of
        // a timer poll per queue per millisecond (Tracking:Streams, docs/decisions/0010). Handing a subscriber up to 100
        // queued events per call (default 1) keeps a busy warehouse's stream from queueing up behind one delivery call
        // per event (docs/decisions/0005).
        var streams = new SiloRecoverableStreamConfigurator(
            LiveStreams.Provider,
            configure => silo.ConfigureServices(configure),
            (services, name) => new DoorbellQueueAdapterFactory(
                MemoryAdapterFactory<DefaultMemoryMessageBodySerializer>.Create(services, name), options.Streams.IdleWait, services.GetRequiredService<TimeProvider>()));
        streams.Configure<HashRingStreamQueueMapperOptions>(o => o.Configure(q => q.TotalQueueCount = options.Streams.Queues));
        streams.ConfigurePullingAgent(o => o.Configure(p =>
        {
            p.GetQueueMsgsTimerPeriod = options.Streams.PollInterval;
            p.BatchContainerBatchSize = 100;
        }));
        // Delivered events leave the cache after CacheRetention instead of Orleans' 30 minutes (docs/decisions/0016).
        streams.ConfigureCacheEviction(o => o.Configure(e =>
        {
            e.DataMinTimeInCache = options.Streams.CacheRetention;
            e.DataMaxAgeInCache = options.Streams.CacheRetention;
            e.MetadataMinTimeInCache = options.Streams.CacheRetention * 2;
        }));
        // Grains publish through one handle per stream for the whole silo, not one per activation (LiveStreamHandles).
        silo.ConfigureServices(services => services.AddSingleton<LiveStreamHandles>());
        if (options.Dashboard.IsEnabled(options.Storage.Mode))
        {
            silo.AddDashboard();
        }
    }

    private static void BinaryState(OptionsBuilder<MemoryGrainStorageOptions> options) =>
        options.Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
}
