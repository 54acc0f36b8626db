using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage.TestGrains;

namespace Tracking.IntegrationTests.Storage;

/// <summary>Orleans reminders through the real ADO.NET reminder service on the project's PostgreSQL schema.</summary>
public sealed class ReminderTests : IAsyncLifetime
{
    private readonly MigratedDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task A_reminder_is_stored_read_back_fires_and_is_removed_when_unregistered()
    {
        await using var cluster = await PostgresTestCluster.StartAsync(_db.ConnectionString, silos: 2);
        var key = $"probe-{Guid.NewGuid():N}";
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await grain.Register("tick", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        await grain.Register("other", TimeSpan.FromHours(1), TimeSpan.FromHours(1));

        Assert.Equal(2L, await CountRowsAsync(key));
        Assert.True(await grain.IsRegistered("tick"));
        Assert.False(await grain.IsRegistered("never"));
        Assert.Equal(["other", "tick"], await grain.RegisteredNames());
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(ReminderTicks.Count(key, "tick") >= 2)), "the reminder did not fire twice");
        Assert.Equal(0, ReminderTicks.Count(key, "other"));

        await grain.Unregister("tick");

        Assert.False(await grain.IsRegistered("tick"));
        Assert.Equal(1L, await CountRowsAsync(key));
        Assert.Equal(["other"], await grain.RegisteredNames());
    }

    [Fact]
    public async Task Re_registering_a_reminder_updates_its_row_and_moves_its_version()
    {
        await using var cluster = await PostgresTestCluster.StartAsync(_db.ConnectionString, silos: 1);
        var key = $"probe-{Guid.NewGuid():N}";
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await grain.Register("daily", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await grain.Register("daily", TimeSpan.FromHours(2), TimeSpan.FromHours(12));

        Assert.Equal(1L, await CountRowsAsync(key));
        Assert.Equal(2, await _db.Database.ScalarAsync<int>($"SELECT version FROM orleans_reminder WHERE grain_id LIKE '%{key}'"));
        Assert.Equal((long)TimeSpan.FromHours(12).TotalMilliseconds,
            await _db.Database.ScalarAsync<long>($"SELECT period_ms FROM orleans_reminder WHERE grain_id LIKE '%{key}'"));
    }

    [Fact]
    public async Task A_reminder_stored_by_one_cluster_fires_on_a_cluster_started_later_on_the_same_database()
    {
        var key = $"probe-{Guid.NewGuid():N}";
        await using (var before = await PostgresTestCluster.StartAsync(_db.ConnectionString, silos: 1))
        {
            await before.Client.GetGrain<IReminderProbeGrain>(key).Register("survivor", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
            await before.StopAllSilosAsync();
        }

        var ticksBefore = ReminderTicks.Count(key, "survivor");
        await using var after = await PostgresTestCluster.StartAsync(_db.ConnectionString, silos: 2);

        // Nobody calls the grain: only the reminder service reading its hash ranges from the table can wake it.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(ReminderTicks.Count(key, "survivor") > ticksBefore)),
            "the stored reminder did not fire on the new cluster");
    }

    private Task<long> CountRowsAsync(string grainKey) =>
        _db.Database.ScalarAsync<long>($"SELECT count(*) FROM orleans_reminder WHERE grain_id LIKE '%{grainKey}'");
}
