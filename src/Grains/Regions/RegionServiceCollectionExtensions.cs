using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Grains.Transfers;

namespace Tracking.Grains.Regions;

public static class RegionServiceCollectionExtensions
{
    /// <summary>Regional hubs and transfers: options from <c>Tracking:Regions</c> and <c>Tracking:Transfers</c>, and the hub starter.</summary>
    public static IServiceCollection AddRegionsAndTransfers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RegionOptions>().Bind(configuration.GetSection(RegionOptions.Section));
        services.AddOptions<TransferOptions>().Bind(configuration.GetSection(TransferOptions.Section));
        services.AddHostedService<RegionHubStarter>();
        return services;
    }
}
