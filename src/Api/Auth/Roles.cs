namespace Tracking.Api.Auth;

/// <summary>The roles a caller can hold. A key or token may carry several.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Inspector = "inspector";
    public const string Manager = "manager";
    public const string Admin = "admin";
    public const string Device = "device";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Viewer, Operator, Inspector, Manager, Admin, Device,
    };
}
