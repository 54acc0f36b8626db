using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Providers;
using Tracking.Grains.Journal;

namespace Tracking.Silo.Storage.GrainState;

public static class BatchedGrainStorageExtensions
{
    /// <summary>Registers <see cref="BatchedGrainStorage"/> under <paramref name="name"/> (one writer queue per name).</summary>
    public static ISiloBuilder AddBatchedGrainStorage(this ISiloBuilder silo, string name, string connectionString, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddOptions<BatchedGrainStorageOptions>().Bind(configuration.GetSection(BatchedGrainStorageOptions.Section));
        if (name == ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME)
        {
            // The item grains' state lives here, and this storage journals each item's new event in the state's statement.
            silo.Services.AddSingleton(new EventsWithGrainState(true));
        }

        silo.Services.AddGrainStorage(name, (sp, n) => new BatchedGrainStorage(
            n,
            connectionString,
            sp.GetRequiredService<IOptions<ClusterOptions>>(),
            sp.GetRequiredService<IOptions<BatchedGrainStorageOptions>>(),
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ILogger<BatchedGrainStorage>>()));
        return silo;
    }
}
