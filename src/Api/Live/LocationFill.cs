namespace Tracking.Api.Live;

/// <summary>How full one location is; the map shades it by <c>Count / Capacity</c>.</summary>
public sealed record LocationFill(string Code, string Zone, int Count, int Capacity);
