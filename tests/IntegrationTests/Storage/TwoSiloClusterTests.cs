using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage.TestGrains;

namespace Tracking.IntegrationTests.Storage;

public sealed class TwoSiloClusterTests : IAsyncLifetime
{
    private readonly MigratedDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Grain_calls_round_trip_across_two_silos_and_state_reloads_from_PostgreSQL()
    {
        await using var cluster = await PostgresTestCluster.StartAsync(_db.ConnectionString, silos: 2);
        Assert.Equal(2, cluster.GetActiveSilos().Count());

        var grains = Enumerable.Range(0, 16).Select(i => cluster.Client.GetGrain<ICounterGrain>($"round-trip-{i}")).ToList();
        var written = await Task.WhenAll(grains.Select((g, i) => g.Add(i + 1)));
        var silosUsed = (await Task.WhenAll(grains.Select(g => g.WhereAmI()))).Distinct().Count();

        Assert.Equal(Enumerable.Range(1, 16), written.Select(s => s.Total));
        Assert.Equal(2, silosUsed);

        // Deactivate every grain: the next call activates it again and must load the state from the database.
        foreach (var grain in grains)
        {
            await cluster.DeactivateAsync(grain);
        }

        var reread = await Task.WhenAll(grains.Select(g => g.Get()));
        Assert.Equal(Enumerable.Range(1, 16), reread.Select(s => s.Total));
        Assert.Equal(16L, await _db.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_grain_state WHERE grain_id_extension LIKE 'round-trip-%'"));
    }
}
