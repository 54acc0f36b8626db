namespace Tracking.Grains.Interfaces.Locations;

/// <summary>A storage location keyed <c>{warehouse}/{code}</c>: what it holds, counted by status.</summary>
public interface ILocationGrain : IGrainWithStringKey
{
    Task<LocationContents> GetContentsAsync();
}

[GenerateSerializer, Immutable]
public sealed record LocationContents(
    [property: Id(0)] string LocationId,
    [property: Id(1)] int Capacity,
    [property: Id(2)] IReadOnlyList<string> Items,
    [property: Id(3)] IReadOnlyDictionary<Items.ItemStatus, int> ByStatus);
