using System.Buffers;
using System.Text;
using Tracking.DeviceBridge.Rfid;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.DeviceBridge.Rfid;

public sealed class ZebraEventReaderTests
{
    private static readonly (string Name, string Value)[] SampleEvent =
    [
        ("type", "\"SIMPLE\""),
        ("timestamp", "\"2025-05-14T09:31:07.250+0000\""),
    ];

    private static readonly (string Name, string Value)[] SampleData =
    [
        ("MAC", "\"C4:7D:CC:00:00:01\""),
        ("antenna", "1"),
        ("eventNum", "42"),
        ("format", "\"epc\""),
        ("idHex", "\"3074257bf7194e4000001a85\""),
        ("peakRssi", "-62"),
        ("reads", "1"),
    ];

    // Values a device (or a fault) might put in any field: each of a different JSON type or range.
    private static readonly string[] OddValues =
    [
        "null", "\"x\"", "1.5", "-1", "0", "300", "1e3", "true", "{}", "[]", "\"\"", "\"3074257BF7194E40\"", "\"zz74257bf7194e40\"",
        "\"3074257bf7194e4\"", $"\"{new string('a', 66)}\"", "\"2025-05-14T09:31:07Z\"", "\"2025-05-14T09:31:07.250-0530\"",
        "\"2025-05-14T09:31:07.250\"", "\"  2025-05-14T09:31:07.250+02:00  \"", "\"2025-05-14 09:31:07Z\"", "-127", "20", "20.5", "-62.25",
        "100000", "100001", "2147483648", "{\"nested\":[1,{\"deep\":null}]}", "\"\\u0033074257bf7194e4000001a85\"",
    ];

    [Fact]
    public void The_Zebra_sample_is_read_by_the_fast_path_with_the_same_read_as_the_general_path()
    {
        var payload = Bytes(ProtocolFiles.Read("samples/zebra-iot-connector-event.json"));
        Assert.True(ZebraEventReader.TryRead(payload, out var reads));
        AssertSameReads(RfidPayloadParser.ParseWithSerializer(payload).Value!, reads);
    }

    [Fact]
    public void An_array_of_Zebra_events_is_read_by_the_fast_path_in_order()
    {
        var zebra = ProtocolFiles.Read("samples/zebra-iot-connector-event.json").Trim();
        var payload = Bytes($"[{zebra}, {zebra.Replace("\"antenna\":1", "\"antenna\":2", StringComparison.Ordinal)}]");
        Assert.True(ZebraEventReader.TryRead(payload, out var reads));
        Assert.Equal([1, 2], reads.Select(r => r.Antenna));
        AssertSameReads(RfidPayloadParser.ParseWithSerializer(payload).Value!, reads);
    }

    [Fact]
    public void Impinj_events_and_refused_payloads_are_left_to_the_general_path()
    {
        Assert.False(ZebraEventReader.TryRead(Bytes(ProtocolFiles.Read("samples/impinj-tag-inventory-event.json")), out _));
        Assert.False(ZebraEventReader.TryRead(Bytes("""{"timestamp":"2025-05-14T09:31:07.250+0000","data":{"antenna":1,"peakRssi":-60}}"""), out _));
        Assert.False(ZebraEventReader.TryRead(Bytes("[]"), out _));
        Assert.False(ZebraEventReader.TryRead(Bytes("""{"type":"SIMPLE"} trailing"""), out _));
    }

    [Fact]
    public void Whatever_the_payload_the_parser_answers_exactly_as_the_general_path_would()
    {
        var random = new Random(20261124);
        var fast = 0;
        var total = 0;
        foreach (var payload in Variants(random))
        {
            var bytes = Bytes(payload);
            var expected = RfidPayloadParser.ParseWithSerializer(bytes);
            var actual = RfidPayloadParser.Parse(bytes);
            Assert.True(expected.Ok == actual.Ok, payload);
            Assert.True(expected.Reason == actual.Reason, payload);
            Assert.True(expected.Detail == actual.Detail, payload);
            if (expected.Ok)
            {
                AssertSameReads(expected.Value!, actual.Value!, payload);
            }

            fast += ZebraEventReader.TryRead(bytes, out _) ? 1 : 0;
            total++;
        }

        // The variants exercise both paths, and the fast path never said yes where the general path said no (above).
        Assert.InRange(fast, total / 10, total - (total / 10));
    }

    private static IEnumerable<string> Variants(Random random)
    {
        yield return Event(SampleEvent, SampleData);
        foreach (var odd in OddValues)
        {
            foreach (var (name, _) in SampleData)
            {
                yield return Event(SampleEvent, Replace(SampleData, name, odd));
            }

            yield return Event(Replace(SampleEvent, "timestamp", odd), SampleData);
            yield return Event(Replace(SampleEvent, "type", odd), SampleData);
            yield return Event([.. SampleEvent, ("data", odd)], null);
        }

        for (var i = 0; i < 1500; i++)
        {
            yield return Mutated(random);
        }
    }

    private static string Mutated(Random random)
    {
        var top = SampleEvent.ToList();
        var data = SampleData.ToList();
        for (var m = random.Next(1, 4); m > 0; m--)
        {
            var fields = random.Next(3) == 0 ? top : data;
            var at = random.Next(fields.Count);
            switch (random.Next(9))
            {
                case 0: // Another letter case, which the serializer matches too.
                    fields[at] = (RandomCase(random, fields[at].Name), fields[at].Value);
                    break;
                case 1:
                    fields.RemoveAt(at);
                    break;
                case 2:
                    fields[at] = (fields[at].Name, OddValues[random.Next(OddValues.Length)]);
                    break;
                case 3: // A duplicate: the later one counts.
                    fields.Add((fields[at].Name, OddValues[random.Next(OddValues.Length)]));
                    break;
                case 4:
                    fields.Insert(at, ("extra" + random.Next(3), OddValues[random.Next(OddValues.Length)]));
                    break;
                case 5: // An escaped or non-ASCII name.
                    fields[at] = (random.Next(2) == 0 ? "\\u0069dHex" : "ıdHex", fields[at].Value);
                    break;
                case 6: // An Impinj field on a Zebra event.
                    top.Add((random.Next(2) == 0 ? "eventType" : "tagInventoryEvent", random.Next(2) == 0 ? "null" : "\"tagInventory\""));
                    break;
                case 7:
                    (fields[at], fields[^1]) = (fields[^1], fields[at]);
                    break;
                default:
                    fields[at] = (fields[at].Name, " " + fields[at].Value + " ");
                    break;
            }
        }

        var one = Event(top, data);
        return random.Next(6) switch
        {
            0 => $"[{one},{Event(SampleEvent, SampleData)}]",
            1 => $"[{one}]",
            2 => one + (random.Next(2) == 0 ? " x" : "  "),
            3 => $"[{one},null]",
            _ => one,
        };
    }

    private static string Event(IEnumerable<(string Name, string Value)> top, IEnumerable<(string Name, string Value)>? data)
    {
        var fields = top.Select(f => $"\"{f.Name}\":{f.Value}").ToList();
        if (data is not null)
        {
            fields.Add($"\"data\":{{{string.Join(",", data.Select(f => $"\"{f.Name}\":{f.Value}"))}}}");
        }

        return $"{{{string.Join(",", fields)}}}";
    }

    private static (string Name, string Value)[] Replace((string Name, string Value)[] fields, string name, string value) =>
        [.. fields.Select(f => f.Name == name ? (f.Name, value) : f)];

    private static string RandomCase(Random random, string name) =>
        string.Concat(name.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

    private static void AssertSameReads(IReadOnlyList<RfidRead> expected, IReadOnlyList<RfidRead> actual, string? payload = null)
    {
        Assert.True(expected.SequenceEqual(actual), payload);
        Assert.True(expected.Select(r => r.At.Offset).SequenceEqual(actual.Select(r => r.At.Offset)), payload);
    }

    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.UTF8.GetBytes(s));
}
