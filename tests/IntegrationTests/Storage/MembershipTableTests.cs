using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// The real Orleans ADO.NET membership provider (what every silo runs) against the project's schema, call by call,
/// including the version races that a running cluster only hits by chance.
/// </summary>
public sealed class MembershipTableTests : IAsyncLifetime
{
    private const string ClusterId = "membership-test";
    private readonly MigratedDatabase _db = new();
    private AdoNetClusteringTable _table = null!;

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _table = CreateTable(ClusterId);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task A_new_cluster_starts_empty_at_version_zero_and_is_created_once()
    {
        var table = await _table.ReadAllAsync();

        Assert.Empty(table.Members);
        Assert.Equal(0, table.Version.Version);
        Assert.Equal(1L, await _db.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership_version"));

        var again = CreateTable(ClusterId);
        await again.InitializeMembershipTableAsync(tryInitTableVersion: true);
        Assert.Equal(0, (await again.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task An_inserted_silo_reads_back_as_written_and_moves_the_version()
    {
        var entry = Entry(11111, SiloStatus.Joining);

        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));

        var all = await _table.ReadAllAsync();
        var (read, etag) = Assert.Single(all.Members);
        Assert.Equal(1, all.Version.Version);
        Assert.Equal(all.Version.VersionEtag, etag);
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(entry.HostName, read.HostName);
        Assert.Equal(entry.ProxyPort, read.ProxyPort);
        Assert.Equal(entry.StartTime, read.StartTime);
        Assert.Equal(entry.IAmAliveTime, read.IAmAliveTime);
        Assert.Equal(DateTimeKind.Utc, read.StartTime.Kind);

        var row = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(entry.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        Assert.Equal(1, row.Version.Version);
    }

    [Fact]
    public async Task Reading_an_unknown_silo_still_returns_the_table_version()
    {
        await _table.InsertRowAsync(Entry(11111, SiloStatus.Active), (await _table.ReadAllAsync()).Version.Next());

        var row = await _table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 9, 9));

        Assert.Empty(row.Members);
        Assert.Equal(1, row.Version.Version);
    }

    [Fact]
    public async Task An_insert_based_on_a_stale_table_version_is_rejected()
    {
        var stale = (await _table.ReadAllAsync()).Version;
        Assert.True(await _table.InsertRowAsync(Entry(11111, SiloStatus.Active), stale.Next()));

        Assert.False(await _table.InsertRowAsync(Entry(22222, SiloStatus.Active), stale.Next()));

        var all = await _table.ReadAllAsync();
        Assert.Single(all.Members);
        Assert.Equal(1, all.Version.Version);
    }

    [Fact]
    public async Task The_same_silo_cannot_be_inserted_twice()
    {
        var entry = Entry(11111, SiloStatus.Active);
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));

        Assert.False(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        Assert.Equal(1, (await _table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task Concurrent_inserts_on_one_table_version_let_exactly_one_win()
    {
        var version = (await _table.ReadAllAsync()).Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(i => InitAndInsert(CreateTable(ClusterId), Entry(20000 + i, SiloStatus.Joining), version.Next())));

        Assert.Single(results, won => won);
        Assert.Single((await _table.ReadAllAsync()).Members);

        static async Task<bool> InitAndInsert(AdoNetClusteringTable t, MembershipEntry e, TableVersion v)
        {
            await t.InitializeMembershipTableAsync(tryInitTableVersion: false);
            return await t.InsertRowAsync(e, v);
        }
    }

    [Fact]
    public async Task A_status_update_with_the_current_etag_is_stored_and_a_stale_one_is_rejected()
    {
        var entry = Entry(11111, SiloStatus.Joining);
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());
        var read = await _table.ReadAllAsync();
        var (current, etag) = read.Members[0];

        current.Status = SiloStatus.Active;
        var suspecter = SiloAddress.New(IPAddress.Loopback, 33333, 7);
        current.SuspectTimes = [Tuple.Create(suspecter, Truncated(DateTime.UtcNow))];
        Assert.True(await _table.UpdateRowAsync(current, etag, read.Version.Next()));

        var after = await _table.ReadAllAsync();
        var (stored, _) = Assert.Single(after.Members);
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal(suspecter, Assert.Single(stored.SuspectTimes!).Item1);
        Assert.Equal(2, after.Version.Version);

        // Another silo acting on the old view of the table loses.
        current.Status = SiloStatus.Dead;
        Assert.False(await _table.UpdateRowAsync(current, etag, read.Version.Next()));
        Assert.Equal(SiloStatus.Active, (await _table.ReadRowAsync(entry.SiloAddress)).Members[0].Item1.Status);
    }

    [Fact]
    public async Task I_am_alive_updates_the_heartbeat_without_moving_the_version()
    {
        var entry = Entry(11111, SiloStatus.Active);
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());

        entry.IAmAliveTime = entry.IAmAliveTime.AddSeconds(42);
        await _table.UpdateIAmAliveAsync(entry);

        var row = await _table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(entry.IAmAliveTime, row.Members[0].Item1.IAmAliveTime);
        Assert.Equal(1, row.Version.Version);
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_with_a_proxy_port()
    {
        await AddAsync(Entry(11111, SiloStatus.Active, proxyPort: 30001));
        await AddAsync(Entry(11112, SiloStatus.Dead, proxyPort: 30002));
        await AddAsync(Entry(11113, SiloStatus.Active, proxyPort: 0));

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            EmptyServices(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = _db.ConnectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = "svc" }));
        await gateways.InitializeGatewayListProviderAsync();

        var uri = Assert.Single(await gateways.GetGatewaysAsync());
        Assert.Equal(30001, uri.Port);
    }

    [Fact]
    public async Task Defunct_cleanup_removes_only_dead_silos_silent_since_the_cutoff()
    {
        var old = DateTime.UtcNow.AddHours(-2);
        var deadAndOld = await AddAsync(Entry(11111, SiloStatus.Dead, aliveAt: old));
        var deadButRecent = await AddAsync(Entry(11112, SiloStatus.Dead));
        var aliveButSilent = await AddAsync(Entry(11113, SiloStatus.Active, aliveAt: old));

        await _table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));

        var left = (await _table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToList();
        Assert.DoesNotContain(deadAndOld.SiloAddress, left);
        Assert.Contains(deadButRecent.SiloAddress, left);
        Assert.Contains(aliveButSilent.SiloAddress, left);
    }

    [Fact]
    public async Task The_bulk_cleanup_query_alone_honours_the_same_cutoff()
    {
        // Older providers run CleanupDefunctSiloEntriesKey with @DeploymentId and @IAmAliveTime: keep it working.
        var old = DateTime.UtcNow.AddHours(-2);
        await AddAsync(Entry(11111, SiloStatus.Dead, aliveAt: old));
        await AddAsync(Entry(11112, SiloStatus.Dead));
        await AddAsync(Entry(11113, SiloStatus.Active, aliveAt: old));
        var sql = await _db.Database.ScalarAsync<string>("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntriesKey'");

        await using (var connection = new Npgsql.NpgsqlConnection(_db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
            cmd.Parameters.AddWithValue("DeploymentId", ClusterId);
            cmd.Parameters.AddWithValue("IAmAliveTime", DateTime.UtcNow.AddHours(-1));
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        Assert.Equal(2, (await _table.ReadAllAsync()).Members.Count);
    }

    [Fact]
    public async Task Deleting_the_cluster_removes_its_members_and_version_but_not_other_clusters()
    {
        await AddAsync(Entry(11111, SiloStatus.Active));
        var other = CreateTable("other-cluster");
        await other.InitializeMembershipTableAsync(tryInitTableVersion: true);
        await other.InsertRowAsync(Entry(11111, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next());

        await _table.DeleteMembershipTableEntriesAsync(ClusterId);

        Assert.Equal(0L, await _db.Database.ScalarAsync<long>($"SELECT count(*) FROM orleans_membership WHERE cluster_id = '{ClusterId}'"));
        Assert.Equal(0L, await _db.Database.ScalarAsync<long>($"SELECT count(*) FROM orleans_membership_version WHERE cluster_id = '{ClusterId}'"));
        Assert.Single((await other.ReadAllAsync()).Members);
    }

    private async Task<MembershipEntry> AddAsync(MembershipEntry entry)
    {
        Assert.True(await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next()));
        return entry;
    }

    private AdoNetClusteringTable CreateTable(string clusterId) => new(
        EmptyServices(),
        Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "svc" }),
        Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = _db.ConnectionString }),
        NullLogger<AdoNetClusteringTable>.Instance);

    private static ServiceProvider EmptyServices() => new ServiceCollection().BuildServiceProvider();

    private static MembershipEntry Entry(int port, SiloStatus status, int proxyPort = 30000, DateTime? aliveAt = null)
    {
        var now = Truncated(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 1000 + port),
            Status = status,
            SiloName = $"silo-{port}",
            HostName = "test-host",
            ProxyPort = proxyPort,
            StartTime = aliveAt.HasValue ? Truncated(aliveAt.Value) : now,
            IAmAliveTime = aliveAt.HasValue ? Truncated(aliveAt.Value) : now,
        };
    }

    /// <summary>PostgreSQL keeps microseconds; whole milliseconds compare exactly after a round trip.</summary>
    private static DateTime Truncated(DateTime t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
