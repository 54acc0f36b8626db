using System.Text.Json;
using System.Text.Json.Nodes;
using Tracking.Grains.Journal;

namespace Tracking.UnitTests.Journal;

public sealed class JsonbTextTests
{
    [Fact]
    public void Details_without_escapes_are_returned_as_they_are()
    {
        const string details = """{"reason":"water damage","device":"AMS1-GATE-IN"}""";
        Assert.Same(details, JsonbText.Safe(details));
        Assert.Null(JsonbText.Safe(null));
    }

    [Fact]
    public void A_nul_and_an_unpaired_surrogate_become_replacement_characters_wherever_they_are()
    {
        var details = JsonSerializer.Serialize(new { notes = "box\0lid", photoUrls = new[] { "https://x/a\uD800.jpg" }, nested = new { text = "ok\0" } });

        var safe = JsonNode.Parse(JsonbText.Safe(details)!)!;

        Assert.Equal("box\uFFFDlid", safe["notes"]!.GetValue<string>());
        Assert.Equal("https://x/a\uFFFD.jpg", safe["photoUrls"]![0]!.GetValue<string>());
        Assert.Equal("ok\uFFFD", safe["nested"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Paired_surrogates_and_other_escapes_are_kept()
    {
        var details = JsonSerializer.Serialize(new { notes = "smile 😀 <ok> \"quoted\" \\u0000 as text" });
        Assert.Equal(details, JsonbText.Safe(details));
    }
}
