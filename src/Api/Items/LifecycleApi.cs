using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Api.Rmas;
using Tracking.Api.Warehouses;

namespace Tracking.Api.Items;

/// <summary>The returned-item lifecycle's HTTP surface: items, RMAs, warehouses.</summary>
public static class LifecycleApi
{
    public static IServiceCollection AddLifecycleApi(this IServiceCollection services)
    {
        // Enums travel as names ("Received", "A", "Restock"): readable for integrators and stable if members move.
        services.ConfigureHttpJsonOptions(o =>
        {
            if (!o.SerializerOptions.Converters.OfType<JsonStringEnumConverter>().Any())
            {
                o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            }
        });
        return services;
    }

    public static IEndpointRouteBuilder MapLifecycleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapItemEndpoints();
        app.MapRmaEndpoints();
        app.MapWarehouseEndpoints();
        return app;
    }
}
