using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Tracking.Api.Auth;

namespace Tracking.Api.Live;

/// <summary>
/// <c>/hubs/live</c>: the control room's live maps. Join a warehouse or region to get a snapshot and then
/// <c>warehouseDelta</c> / <c>regionDelta</c> messages numbered Seq + 1, + 2, …; join again to resync after a gap,
/// an epoch change or a reconnect. Needs the View policy (API key via <c>access_token</c> for WebSockets).
/// </summary>
[Authorize(Policy = Policies.View)]
public sealed class LiveHub(LiveForwarder forwarder) : Hub
{
    public const string Path = "/hubs/live";

    [HubMethodName("JoinWarehouse")]
    public Task<WarehouseSnapshot> JoinWarehouseAsync(string code) =>
        forwarder.WatchWarehouseAsync(Context.ConnectionId, Required(code, "warehouse"));

    [HubMethodName("LeaveWarehouse")]
    public Task LeaveWarehouseAsync(string code) =>
        forwarder.UnwatchWarehouseAsync(Context.ConnectionId, Required(code, "warehouse"));

    [HubMethodName("JoinRegion")]
    public Task<RegionSnapshot> JoinRegionAsync(string code) =>
        forwarder.WatchRegionAsync(Context.ConnectionId, Required(code, "region"));

    [HubMethodName("LeaveRegion")]
    public Task LeaveRegionAsync(string code) =>
        forwarder.UnwatchRegionAsync(Context.ConnectionId, Required(code, "region"));

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        forwarder.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private static string Required(string? code, string what) =>
        string.IsNullOrWhiteSpace(code) || code.Length > 64 ? throw new HubException($"A {what} code is required.") : code.Trim();
}
