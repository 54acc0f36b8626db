using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tracking.Api.Auth;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Warehouses;

namespace Tracking.Api.Devices;

public static class DeviceEndpoints
{
    public static IEndpointRouteBuilder MapDeviceEndpoints(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/devices").WithTags("Devices").RequireAuthorization(Policies.View);
        devices.MapGet("/", ListDevicesAsync)
            .WithSummary("RFID readers and AGVs with their health (optionally of one warehouse)");
        devices.MapGet("/dead-letters", GetDeadLetters)
            .WithSummary("Device messages this silo refused: totals per reason and the most recent ones")
            .RequireAuthorization(Policies.Operate);

        var warehouses = app.MapGroup("/api/warehouses").WithTags("Devices").RequireAuthorization(Policies.View);
        warehouses.MapGet("/{code}/transport-tasks", GetTransportTasksAsync)
            .WithSummary("The warehouse's AGV transport tasks, newest first");
        return app;
    }

    private static async Task<Results<Ok<DeviceList>, NotFound<string>>> ListDevicesAsync(string? warehouse, SiteCatalog catalog, IGrainFactory grains)
    {
        var selected = catalog.Warehouses.Where(w => warehouse is null || string.Equals(w.Code, warehouse, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (warehouse is not null && selected.Length == 0)
        {
            return TypedResults.NotFound($"Warehouse '{warehouse}' does not exist.");
        }

        var readers = await Task.WhenAll(selected.SelectMany(w => w.Layout.Readers.Select(async r =>
        {
            var status = await grains.Reference<IRfidGateGrain>(r.ReaderId).GetStatusAsync();
            return new ReaderView(r.ReaderId, w.Code, r.Kind.ToString(), r.Antennas.Select(a => new AntennaView(a.Port, a.Location)).ToArray(), status);
        })));
        var agvs = await Task.WhenAll(selected.SelectMany(w => w.Layout.Agvs.Select(a => grains.Reference<IAgvGrain>(a.AgvId).GetAsync())));
        return TypedResults.Ok(new DeviceList(readers, agvs));
    }

    private static Results<Ok<DeadLetterReport>, ValidationProblem> GetDeadLetters(IDeadLetterLog log, string? reason, int? limit)
    {
        if (limit is < 0 or > 1000)
        {
            return Problems.Invalid("limit", "limit must be between 0 and 1000.");
        }

        return TypedResults.Ok(log.Snapshot(reason, limit ?? 100));
    }

    private static async Task<Results<Ok<IReadOnlyList<TransportTask>>, NotFound<string>>> GetTransportTasksAsync(string code, SiteCatalog catalog, IGrainFactory grains)
    {
        var warehouse = catalog.FindWarehouse(code);
        if (warehouse is null)
        {
            return TypedResults.NotFound($"Warehouse '{code}' does not exist.");
        }

        return TypedResults.Ok(await grains.Reference<ITransportDispatcherGrain>(warehouse.Code).GetTasksAsync());
    }
}

public sealed record DeviceList(IReadOnlyList<ReaderView> Readers, IReadOnlyList<AgvSnapshot> Agvs);

public sealed record ReaderView(string ReaderId, string Warehouse, string Kind, IReadOnlyList<AntennaView> Antennas, GateStatus Status);

public sealed record AntennaView(int Port, string Location);
