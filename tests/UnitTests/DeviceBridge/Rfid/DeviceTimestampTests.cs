using Tracking.DeviceBridge.Rfid;

namespace Tracking.UnitTests.DeviceBridge.Rfid;

public sealed class DeviceTimestampTests
{
    [Theory]
    [InlineData("2025-05-14T09:31:07.250+0000", 250)]
    [InlineData("2025-05-14T11:31:07.250+0200", 250)]
    [InlineData("2025-05-14T09:31:07.250Z", 250)]
    [InlineData("2025-05-14T09:31:07.25Z", 250)]
    [InlineData("2025-05-14T09:31:07Z", 0)]
    [InlineData("2025-05-14T09:31:07.250+00:00", 250)]
    [InlineData("2025-05-14T04:31:07.250-0500", 250)]
    public void Device_timestamps_in_any_iso_offset_style_parse_to_utc(string text, int milliseconds)
    {
        Assert.True(DeviceTimestamp.TryParse(text, out var at));
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 9, 31, 7, milliseconds, TimeSpan.Zero), at);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-05-14")]
    [InlineData("14/05/2025 09:31:07")]
    [InlineData("2025-05-14T09:31:07.250")]
    [InlineData("2025-13-14T09:31:07.250Z")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(DeviceTimestamp.TryParse(text, out _));
    }
}
