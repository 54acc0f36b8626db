using System.Buffers;
using System.Text;
using Tracking.DeviceBridge.Rfid;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Rfid;

public sealed class RfidPayloadParserTests
{
    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void The_Zebra_sample_becomes_one_read_with_an_upper_case_epc_and_its_plus_0000_time()
    {
        var result = RfidPayloadParser.Parse(Bytes(ProtocolFiles.Read("samples/zebra-iot-connector-event.json")));
        var read = Assert.Single(result.Value!);
        Assert.Equal("3074257BF7194E4000001A85", read.Epc);
        Assert.Equal(1, read.Antenna);
        Assert.Equal(-62, read.PeakRssi);
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 9, 31, 7, 250, TimeSpan.Zero), read.At);
    }

    [Fact]
    public void The_Impinj_sample_becomes_one_read_with_rssi_in_dbm()
    {
        var result = RfidPayloadParser.Parse(Bytes(ProtocolFiles.Read("samples/impinj-tag-inventory-event.json")));
        var read = Assert.Single(result.Value!);
        Assert.Equal("3074257BF7194E4000001A85", read.Epc);
        Assert.Equal(2, read.Antenna);
        Assert.Equal(-61.5, read.PeakRssi);
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 9, 31, 7, 248, TimeSpan.Zero), read.At);
    }

    [Fact]
    public void A_json_array_mixing_both_vendors_gives_every_read()
    {
        var zebra = ProtocolFiles.Read("samples/zebra-iot-connector-event.json").Trim();
        var impinj = ProtocolFiles.Read("samples/impinj-tag-inventory-event.json").Trim();
        var result = RfidPayloadParser.Parse(Bytes($"[{zebra},{impinj},{zebra}]"));
        Assert.Equal(3, result.Value!.Count);
    }

    [Fact]
    public void An_impinj_event_without_epc_hex_is_read_from_base64()
    {
        var json = """{"timestamp":"2025-05-14T09:31:07.250Z","eventType":"tagInventory","tagInventoryEvent":{"epc":"MHQle/cZTkAAABqF","antennaPort":1,"peakRssiCdbm":-5000}}""";
        Assert.Equal("3074257BF7194E4000001A85", Assert.Single(RfidPayloadParser.Parse(Bytes(json)).Value!).Epc);
    }

    [Fact]
    public void Impinj_status_events_are_valid_and_carry_no_reads()
    {
        var result = RfidPayloadParser.Parse(Bytes("""{"timestamp":"2025-05-14T09:31:07.250Z","eventType":"inventoryStatus","inventoryStatusEvent":{"inventoryStatus":"running"}}"""));
        Assert.True(result.Ok);
        Assert.Empty(result.Value!);
    }

    [Theory]
    [InlineData("{\"type\":\"SIMPLE\",\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":1,", DeadLetterReasons.MalformedJson)]
    [InlineData("not json at all", DeadLetterReasons.MalformedJson)]
    [InlineData("42", DeadLetterReasons.MalformedJson)]
    [InlineData("[]", DeadLetterReasons.MissingField)]
    [InlineData("{}", DeadLetterReasons.UnsupportedFormat)]
    [InlineData("[null]", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":\"one\",\"idHex\":\"30742570\",\"peakRssi\":-60}}", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":1,\"peakRssi\":-60}}", DeadLetterReasons.MissingField)]
    [InlineData("{\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":1,\"idHex\":\"XYZ12345\",\"peakRssi\":-60}}", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":0,\"idHex\":\"30742570\",\"peakRssi\":-60}}", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"timestamp\":\"2025-05-14T09:31:07.250+0000\",\"data\":{\"antenna\":1,\"idHex\":\"30742570\",\"peakRssi\":60}}", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"timestamp\":\"yesterday\",\"data\":{\"antenna\":1,\"idHex\":\"30742570\",\"peakRssi\":-60}}", DeadLetterReasons.InvalidValue)]
    [InlineData("{\"data\":{\"antenna\":1,\"idHex\":\"30742570\",\"peakRssi\":-60}}", DeadLetterReasons.MissingField)]
    [InlineData("{\"eventType\":\"tagInventory\",\"timestamp\":\"2025-05-14T09:31:07.250Z\"}", DeadLetterReasons.MissingField)]
    [InlineData("{\"eventType\":\"tagInventory\",\"timestamp\":\"2025-05-14T09:31:07.250Z\",\"tagInventoryEvent\":{\"epcHex\":\"30742570\",\"antennaPort\":1}}", DeadLetterReasons.MissingField)]
    [InlineData("{\"type\":\"SIMPLE\"} trailing", DeadLetterReasons.MalformedJson)]
    public void Bad_payloads_are_refused_with_a_precise_reason(string payload, string reason)
    {
        var result = RfidPayloadParser.Parse(Bytes(payload));
        Assert.False(result.Ok);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Fact]
    public void One_bad_event_refuses_the_whole_message()
    {
        var zebra = ProtocolFiles.Read("samples/zebra-iot-connector-event.json").Trim();
        var result = RfidPayloadParser.Parse(Bytes($"[{zebra},{{\"data\":{{\"antenna\":1}}}}]"));
        Assert.False(result.Ok);
        Assert.StartsWith("event [1]", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_split_over_several_segments_parses()
    {
        var bytes = Encoding.UTF8.GetBytes(ProtocolFiles.Read("samples/zebra-iot-connector-event.json"));
        var first = new Segment(bytes.AsMemory(0, 20));
        var last = first.Append(bytes.AsMemory(20));
        Assert.True(RfidPayloadParser.Parse(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length)).Ok);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
