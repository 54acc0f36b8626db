using System.Buffers;
using Tracking.DeviceBridge.Rfid;
using Tracking.DeviceBridge.Simulator;

namespace Tracking.UnitTests.DeviceBridge.Simulator;

public sealed class SimulatorPayloadTests
{
    [Fact]
    public void The_SGTIN_96_encoding_matches_the_sample_tag()
    {
        Assert.Equal("3074257BF7194E4000001A85", Sgtin96.Encode(614141, 812345, 6789, filter: 3));
    }

    [Theory]
    [InlineData(RfidVendorFormat.Zebra)]
    [InlineData(RfidVendorFormat.Impinj)]
    public void Simulated_reads_in_either_vendor_format_parse_back_to_the_same_reads(RfidVendorFormat format)
    {
        var at = new DateTimeOffset(2025, 5, 14, 9, 31, 7, 250, TimeSpan.Zero);
        var reads = new[] { new SimulatedRead("3074257BF7194E4000001A85", 2, -55, at), new SimulatedRead("3074257BF7194E4000001A86", 3, -61, at) };
        long eventNum = 0;
        var parsed = RfidPayloadParser.Parse(new ReadOnlySequence<byte>(RfidPayloadWriter.Write(format, "AMS1-GATE-IN", reads, ref eventNum))).Value!;
        Assert.Equal(reads.Select(r => (r.Epc, r.Antenna, r.Rssi, r.At)), parsed.Select(r => (r.Epc, r.Antenna, r.PeakRssi, r.At)));
    }
}
