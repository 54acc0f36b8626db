namespace Tracking.Grains.Interfaces.Warehouses;

/// <summary>A rectangle on a warehouse floor map, in metres from the map origin (top-left).</summary>
[GenerateSerializer, Immutable]
public sealed record MapRect(
    [property: Id(0)] double X,
    [property: Id(1)] double Y,
    [property: Id(2)] double Width,
    [property: Id(3)] double Height)
{
    public double CenterX => X + (Width / 2);

    public double CenterY => Y + (Height / 2);
}
