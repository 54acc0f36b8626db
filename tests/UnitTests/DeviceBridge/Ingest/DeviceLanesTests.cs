using Tracking.DeviceBridge.Ingest;

namespace Tracking.UnitTests.DeviceBridge.Ingest;

public sealed class DeviceLanesTests
{
    [Fact]
    public void A_device_maps_to_the_same_lane_whatever_the_case_of_its_id()
    {
        Assert.Equal(DeviceLanes.LaneOf("AMS1-GATE-IN", 4), DeviceLanes.LaneOf("ams1-gate-in", 4));
    }

    [Theory]
    [InlineData("AMS1-GATE-IN", 3)]
    [InlineData("AMS1-GATE-INSP", 0)]
    [InlineData("BER1-GATE-IN", 1)]
    [InlineData("BER1-GATE-INSP", 2)]
    public void The_lane_of_a_device_is_the_same_in_every_process(string reader, int lane)
    {
        // Pinned FNV-1a values: a switch back to the per-process randomised string hash fails here.
        Assert.Equal(lane, DeviceLanes.LaneOf(reader, 4));
    }

    [Fact]
    public void Every_lane_index_is_within_range()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(DeviceLanes.LaneOf($"reader-{i}", 3), 0, 2);
        }
    }
}
