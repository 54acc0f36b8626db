using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Tracking.IntegrationTests.Infrastructure;
using Tracking.IntegrationTests.Storage.TestGrains;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// What every grain-state provider of a running host must do on the project's PostgreSQL schema: reads, writes, clears
/// and the version (ETag) rules that keep two writers from overwriting each other. Each provider's test class runs it.
/// </summary>
public abstract class GrainStorageContract(TrackingHost host)
{
    protected const string StateName = "storage-test";

    protected IGrainStorage Storage => host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

    [Fact]
    public async Task A_state_never_written_reads_as_default_without_an_etag()
    {
        var state = await ReadAsync(NewId());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Total);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_rejected_and_changes_nothing()
    {
        var id = NewId();
        var first = await ReadAsync(id);
        first.State = new CounterState { Total = 1 };
        await Storage.WriteStateAsync(StateName, id, first);
        var writerA = await ReadAsync(id);
        var writerB = await ReadAsync(id);

        writerA.State = new CounterState { Total = 10 };
        await Storage.WriteStateAsync(StateName, id, writerA);
        writerB.State = new CounterState { Total = 99 };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, writerB));
        var stored = await ReadAsync(id);
        Assert.Equal(10, stored.State!.Total);
        Assert.Equal(writerA.ETag, stored.ETag);
    }

    [Fact]
    public async Task A_first_write_is_rejected_when_another_writer_created_the_state_meanwhile()
    {
        var id = NewId();
        var writerA = await ReadAsync(id);
        var writerB = await ReadAsync(id);

        writerA.State = new CounterState { Total = 1 };
        await Storage.WriteStateAsync(StateName, id, writerA);
        writerB.State = new CounterState { Total = 2 };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, writerB));
        Assert.Equal(1, (await ReadAsync(id)).State!.Total);
    }

    [Fact]
    public async Task A_cleared_state_reads_as_default_keeps_counting_versions_and_can_be_written_again()
    {
        var id = NewId();
        var state = await ReadAsync(id);
        state.State = new CounterState { Total = 3 };
        await Storage.WriteStateAsync(StateName, id, state);
        var staleEtag = state.ETag;

        await Storage.ClearStateAsync(StateName, id, state);

        var cleared = await ReadAsync(id);
        Assert.False(cleared.RecordExists);
        Assert.Equal(0, cleared.State!.Total);
        Assert.NotNull(cleared.ETag);
        Assert.NotEqual(staleEtag, cleared.ETag);

        var stale = new GrainState<CounterState>(new CounterState { Total = 3 }, staleEtag) { RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, id, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, id, stale));

        cleared.State = new CounterState { Total = 4 };
        await Storage.WriteStateAsync(StateName, id, cleared);
        Assert.Equal(4, (await ReadAsync(id)).State!.Total);
    }

    [Fact]
    public async Task Grains_with_string_guid_and_compound_integer_keys_keep_separate_states()
    {
        GrainId[] ids =
        [
            GrainId.Create("counter", "seven"),
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid())),
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(7, "east")),
            GrainId.Create(GrainType.Create("counter"), GrainIdKeyExtensions.CreateIntegerKey(7)),
        ];
        var type = $"keys-{Guid.NewGuid():N}";

        for (var i = 0; i < ids.Length; i++)
        {
            var state = await ReadAsync(ids[i], type);
            state.State = new CounterState { Total = 100 + i };
            await Storage.WriteStateAsync(type, ids[i], state);
        }

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(100 + i, (await ReadAsync(ids[i], type)).State!.Total);
        }
    }

    [Fact]
    public async Task A_grain_cleared_through_its_persistent_state_starts_over()
    {
        var grain = host.Grains.GetGrain<ICounterGrain>($"clear-{Guid.NewGuid():N}");
        await grain.Add(5);

        await grain.Clear();
        var after = await grain.Add(1);

        Assert.Equal(1, after.Total);
    }

    /// <summary>A counter grain adds 5 then 2 through its persistent state; a fresh read finds 7 at version 2. Returns its key.</summary>
    protected async Task<string> CounterWrittenTwiceAndReadBackAsync()
    {
        var key = $"counter-{Guid.NewGuid():N}";
        var grain = host.Grains.GetGrain<ICounterGrain>(key);

        await grain.Add(5);
        var written = await grain.Add(2);

        Assert.Equal(7, written.Total);
        var fresh = await ReadAsync(GrainId.Create("counter", key), "counter");
        Assert.True(fresh.RecordExists);
        Assert.Equal(7, fresh.State!.Total);
        Assert.Equal("2", fresh.ETag);
        return key;
    }

    protected static GrainId NewId() => GrainId.Create("counter", Guid.NewGuid().ToString("N"));

    protected async Task<GrainState<CounterState>> ReadAsync(GrainId id, string stateName = StateName)
    {
        var state = new GrainState<CounterState>();
        await Storage.ReadStateAsync(stateName, id, state);
        return state;
    }
}
