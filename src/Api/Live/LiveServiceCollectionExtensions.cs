using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tracking.Api.Auth;

namespace Tracking.Api.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>The SignalR hub, this silo's stream forwarder and the site endpoints the maps use.</summary>
    public static IServiceCollection AddLive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LiveOptions>().Bind(configuration.GetSection(LiveOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSignalR()
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSingleton<LiveBaseReader>();
        services.AddSingleton<LiveForwarder>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveForwarder>());
        return services;
    }

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        // A connection opened with a JWT ends when the token does, instead of watching (and joining maps) for good.
        app.MapHub<LiveHub>(LiveHub.Path, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization(Policies.View);
        app.MapSiteEndpoints();
        return app;
    }
}
