using Microsoft.AspNetCore.Authorization;

namespace Tracking.Api.Auth;

/// <summary>
/// What each kind of call needs. Roles are not a strict ladder (an inspector grades, an operator receives),
/// so each policy lists the roles it admits; admin is in every one.
/// </summary>
public static class Policies
{
    /// <summary>Read anything: maps, items, inventory.</summary>
    public const string View = "view";

    /// <summary>Floor work: receive, move, hold, release.</summary>
    public const string Operate = "operate";

    /// <summary>Grade and disposition.</summary>
    public const string Inspect = "inspect";

    /// <summary>Regional decisions: plans, transfers, RMAs, imports.</summary>
    public const string Manage = "manage";

    public const string Admin = "admin";

    /// <summary>Devices that use HTTP instead of MQTT.</summary>
    public const string DeviceIngest = "device";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(View, p => p.RequireRole(Roles.Viewer, Roles.Operator, Roles.Inspector, Roles.Manager, Roles.Admin));
        options.AddPolicy(Operate, p => p.RequireRole(Roles.Operator, Roles.Inspector, Roles.Manager, Roles.Admin));
        options.AddPolicy(Inspect, p => p.RequireRole(Roles.Inspector, Roles.Manager, Roles.Admin));
        options.AddPolicy(Manage, p => p.RequireRole(Roles.Manager, Roles.Admin));
        options.AddPolicy(Admin, p => p.RequireRole(Roles.Admin));
        options.AddPolicy(DeviceIngest, p => p.RequireRole(Roles.Device, Roles.Admin));

        // Anything mapped without an explicit policy still needs a signed-in caller.
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }
}
