using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Api.Auth;
using Tracking.Api.Live;
using Tracking.Api.Common;
using Tracking.Api.Devices;
using Tracking.Api.Items;
using Tracking.Api.Outbox;
using Tracking.Api.Regions;
using Tracking.Api.System;
using Tracking.Api.Transfers;

namespace Tracking.Api;

/// <summary>Wires the HTTP side: auth, ProblemDetails, OpenAPI and every feature's endpoints.</summary>
public static class TrackingApi
{
    public static IServiceCollection AddTrackingApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTrackingAuth(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddOpenApi();
        services.AddLifecycleApi();
        services.AddLive(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapTrackingApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(Policies.View);
        app.MapSystemEndpoints();
        app.MapLifecycleEndpoints();
        app.MapDeviceEndpoints();
        app.MapLive();
        app.MapRegionEndpoints();
        app.MapTransferEndpoints();
        app.MapOutboxEndpoints();
        return app;
    }
}
