namespace Tracking.Grains.Interfaces.Items;

/// <summary>
/// What an inbound dock read did to an item: <see cref="Observed"/> is false when the item is on a transfer from
/// another warehouse and was left for its transfer (<see cref="ItemSnapshot.TransferId"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DockObservation(
    [property: Id(0)] ItemSnapshot Item,
    [property: Id(1)] bool Observed);
