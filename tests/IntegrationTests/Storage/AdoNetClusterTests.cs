using Orleans.Runtime;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage.TestGrains;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// Two real Tracking hosts forming one cluster through ADO.NET clustering on PostgreSQL, with grain state in
/// PostgreSQL: they find each other in the membership table, a stopped silo is recorded dead, and state written by
/// one silo outlives it.
/// </summary>
public sealed class AdoNetClusterTests : IAsyncLifetime
{
    private const int Active = 3;
    private const int Dead = 6;
    private readonly PostgresDatabase _db = new();
    private TrackingHost _first = null!;
    private TrackingHost _second = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _first = await StartHostAsync();
        _second = await StartHostAsync();
        Assert.True(await Eventually.HoldsAsync(async () => await ActiveHostCountAsync(_first) == 2 && await ActiveHostCountAsync(_second) == 2),
            "the two silos did not see each other as active");
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Both_silos_are_active_rows_of_one_membership_table()
    {
        Assert.Equal(2L, await _db.ScalarAsync<long>($"SELECT count(*) FROM orleans_membership WHERE status = {Active}"));
        Assert.True(await _db.ScalarAsync<int>("SELECT version FROM orleans_membership_version WHERE cluster_id = 'tracking'") >= 4,
            "each silo inserts its row and updates it at least once (Joining -> Active)");
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM orleans_membership WHERE i_am_alive_time < start_time"));
    }

    [Fact]
    public async Task Grain_state_written_by_one_silo_is_read_back_by_another_after_the_first_is_stopped()
    {
        var firstSilo = SiloOf(_first);
        var (grainKey, written) = await WriteOnSiloAsync(_first, firstSilo);

        await _first.StopAsync();

        Assert.True(await Eventually.HoldsAsync(async () => await ActiveHostCountAsync(_second) == 1), "the stopped silo was not dropped");
        var grain = _second.Grains.GetGrain<ICounterGrain>(grainKey);
        var read = await grain.Get();
        Assert.Equal(written.Total, read.Total);
        Assert.Equal(firstSilo.ToString(), read.WrittenBy);
        Assert.Equal(SiloOf(_second).ToString(), await grain.WhereAmI());
    }

    [Fact]
    public async Task A_stopped_silo_is_marked_dead_in_the_membership_table()
    {
        var stopped = SiloOf(_first);

        await _first.StopAsync();

        var where = $"address = '{stopped.Endpoint.Address}' AND port = {stopped.Endpoint.Port} AND generation = {stopped.Generation}";
        Assert.True(await Eventually.HoldsAsync(async () => await _db.ScalarAsync<int>($"SELECT status FROM orleans_membership WHERE {where}") == Dead),
            "the stopped silo's row never became Dead");
        Assert.Equal(Active, await _db.ScalarAsync<int>($"SELECT status FROM orleans_membership WHERE NOT ({where})"));
    }

    private Task<TrackingHost> StartHostAsync() => TrackingHost.StartAsync(new Dictionary<string, string>
    {
        ["Tracking:Cluster:Mode"] = "AdoNet",
        ["Tracking:Storage:Mode"] = "PostgreSql",
        ["Tracking:PostgreSql:ConnectionString"] = _db.ConnectionString,
    });

    private static SiloAddress SiloOf(TrackingHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    private static async Task<int> ActiveHostCountAsync(TrackingHost host) =>
        (await host.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count;

    /// <summary>Writes a counter whose activation lives on the given silo (placement decides, so try a few keys).</summary>
    private static async Task<(string Key, CounterState State)> WriteOnSiloAsync(TrackingHost host, SiloAddress silo)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var key = $"survivor-{Guid.NewGuid():N}";
            var grain = host.Grains.GetGrain<ICounterGrain>(key);
            if (await grain.WhereAmI() == silo.ToString())
            {
                return (key, await grain.Add(41 + attempt));
            }
        }

        throw new InvalidOperationException($"no activation landed on {silo} in 50 tries");
    }
}
