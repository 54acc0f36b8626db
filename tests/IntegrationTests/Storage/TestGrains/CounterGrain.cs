using Orleans.Placement;
using Orleans.Runtime;

namespace Tracking.IntegrationTests.Storage.TestGrains;

// Local placement: the cluster tests need to know which silo holds an activation, whatever the silos' load.
[PreferLocalPlacement]
public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, ILocalSiloDetails silo)
    : Grain, ICounterGrain
{
    public async Task<CounterState> Add(int amount)
    {
        state.State = state.State with { Total = state.State.Total + amount, WrittenBy = silo.SiloAddress.ToString() };
        await state.WriteStateAsync();
        return state.State;
    }

    public Task<CounterState> Get() => Task.FromResult(state.State);

    public Task Clear() => state.ClearStateAsync();

    public Task<string> WhereAmI() => Task.FromResult(silo.SiloAddress.ToString());
}
