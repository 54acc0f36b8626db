namespace Tracking.IntegrationTests.Storage;

/// <summary>The Orleans ADO.NET provider (<c>Tracking:Storage:GrainState=AdoNet</c>) on the project's query contract.</summary>
public sealed class AdoNetGrainStorageTests(AdoNetHostFixture fixture) : GrainStorageContract(fixture.Host), IClassFixture<AdoNetHostFixture>
{
    [Fact]
    public async Task A_grain_writes_its_state_as_JSON_in_bytea_and_reads_it_back()
    {
        var key = await CounterWrittenTwiceAndReadBackAsync();

        var json = await fixture.Database.ScalarAsync<string>(
            $"SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state WHERE grain_id_extension = '{key}'");
        Assert.NotNull(json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(7, document.RootElement.GetProperty("Total").GetInt32());
        Assert.Equal(2, await fixture.Database.ScalarAsync<int>($"SELECT version FROM orleans_grain_state WHERE grain_id_extension = '{key}'"));
    }
}
