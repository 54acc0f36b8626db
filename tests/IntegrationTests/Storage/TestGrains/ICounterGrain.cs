namespace Tracking.IntegrationTests.Storage.TestGrains;

/// <summary>A test grain whose state lives in the default grain storage (PostgreSQL in these tests).</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds to the total and returns the state as stored.</summary>
    Task<CounterState> Add(int amount);

    Task<CounterState> Get();

    Task Clear();

    /// <summary>The silo the activation runs on, to see calls land on different silos.</summary>
    Task<string> WhereAmI();
}
