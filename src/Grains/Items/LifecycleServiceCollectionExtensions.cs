using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tracking.Grains.Journal;
using Tracking.Grains.Locations;
using Tracking.Grains.Outbox;

namespace Tracking.Grains.Items;

public static class LifecycleServiceCollectionExtensions
{
    /// <summary>
    /// The item lifecycle's services. With a PostgreSQL connection string the custody journal, the outbox and the
    /// location contents are durable tables (migrations 0010-0012); without one (memory mode, the demo) they live in this process.
    /// </summary>
    public static IServiceCollection AddItemLifecycle(this IServiceCollection services, IConfiguration configuration, string? postgresConnectionString)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LifecycleOptions>().Bind(configuration.GetSection(LifecycleOptions.Section));
        services.AddOptions<JournalOptions>().Bind(configuration.GetSection(JournalOptions.Section));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ItemMetrics>();
        // The item grains append their events themselves unless the grain storage does it with their state.
        services.TryAddSingleton(EventsWithGrainState.No);
        if (string.IsNullOrEmpty(postgresConnectionString))
        {
            services.TryAddSingleton<ICustodyJournal, MemoryCustodyJournal>();
            services.TryAddSingleton<IOutboxStore, MemoryOutboxStore>();
            services.TryAddSingleton<ILocationContentsStore, MemoryLocationContentsStore>();
        }
        else
        {
            services.TryAddSingleton(new LifecycleDataSource(postgresConnectionString));
            services.TryAddSingleton<ICustodyJournal, PostgresCustodyJournal>();
            services.TryAddSingleton<IOutboxStore, PostgresOutboxStore>();
            services.TryAddSingleton<ILocationContentsStore, PostgresLocationContentsStore>();
        }

        services.AddHostedService<OutboxDispatcher>();
        return services;
    }
}
