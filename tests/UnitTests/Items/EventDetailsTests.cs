using System.Text.Json;
using Tracking.Grains.Items;

namespace Tracking.UnitTests.Items;

/// <summary>An item event's details: the pairs with a value as a JSON object, the same JSON the serializer writes.</summary>
public sealed class EventDetailsTests
{
    [Fact]
    public void Pairs_without_a_value_are_left_out()
    {
        Assert.Equal("""{"device":"AMS1-GATE-IN","channel":"web"}""", EventDetails.Of(("rmaId", null), ("device", "AMS1-GATE-IN"), ("channel", "web")));
    }

    [Fact]
    public void No_value_at_all_gives_no_details()
    {
        Assert.Null(EventDetails.Of(("from", null), ("taskId", null)));
        Assert.Null(EventDetails.Of());
    }

    [Theory]
    [InlineData("AMS1-DOCK-01")]
    [InlineData("")]
    [InlineData("says \"hello\"")]
    [InlineData(@"C:\path")]
    [InlineData("<script>&'+`")]
    [InlineData("Zürich ✓")]
    [InlineData("line\nbreak\ttab")]
    public void Every_value_is_written_as_the_serializer_writes_it(string value)
    {
        var expected = JsonSerializer.Serialize(new Dictionary<string, string> { ["from"] = "A-01", ["note"] = value });

        var details = EventDetails.Of(("from", "A-01"), ("taskId", null), ("note", value));

        Assert.Equal(expected, details);
        Assert.Equal(value, JsonDocument.Parse(details!).RootElement.GetProperty("note").GetString());
    }
}
