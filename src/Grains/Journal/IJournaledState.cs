using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Journal;

/// <summary>Grain state that carries its newest custody event, for a storage that journals it with the state (<see cref="EventsWithGrainState"/>).</summary>
public interface IJournaledState
{
    ItemEvent? LastEvent { get; }
}
