using Tracking.Bench.Infrastructure;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Bench.Rfid;

/// <summary>
/// A reproducible stream of gate traffic from the site's readers: each tag passes its warehouse's inbound dock gate and
/// then its inspection gate, read <c>readsPerTag</c> times at each (strongest on one antenna, weaker on a neighbour,
/// as a real portal sees it), interleaved across readers. The same stream feeds the actor pipeline and the SQL baseline.
/// </summary>
public sealed class RfidStream
{
    private RfidStream(IReadOnlyList<GateReader> readers, IReadOnlyList<string> tags, IReadOnlyDictionary<string, string> tagWarehouse, IReadOnlyList<(GateReader Reader, TagRead Read)> reads)
    {
        Readers = readers;
        Tags = tags;
        TagWarehouse = tagWarehouse;
        Reads = reads;
    }

    public IReadOnlyList<GateReader> Readers { get; }

    public IReadOnlyList<string> Tags { get; }

    /// <summary>The warehouse whose RMA announces the tag.</summary>
    public IReadOnlyDictionary<string, string> TagWarehouse { get; }

    /// <summary>Every raw read in publishing order.</summary>
    public IReadOnlyList<(GateReader Reader, TagRead Read)> Reads { get; }

    /// <param name="gates">Reader id suffixes (e.g. "GATE-IN") that see each tag, in the order a tag passes them.</param>
    public static RfidStream Generate(SiteDefinition site, int tagCount, int readsPerTag, IReadOnlyList<string> gates, IReadOnlyList<string>? warehouses = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(gates);
        var run = Rfid.Tags.NewRun();
        var houses = site.Warehouses.Where(w => warehouses is null || warehouses.Contains(w.Code, StringComparer.OrdinalIgnoreCase)).ToList();
        var readers = new List<GateReader>();
        var perHouse = new Dictionary<string, List<GateReader>>(StringComparer.OrdinalIgnoreCase);
        foreach (var house in houses)
        {
            foreach (var gate in gates)
            {
                var r = house.Layout.Readers.First(r => r.ReaderId.EndsWith("-" + gate, StringComparison.OrdinalIgnoreCase));
                readers.Add(new GateReader(r.ReaderId, house.Code, r.Antennas.Select(a => a.Port).ToArray(), ZebraPayload.MacOf(readers.Count)));
            }

            perHouse[house.Code] = readers.Where(r => r.Warehouse == house.Code).ToList();
        }

        var tags = new List<string>(tagCount);
        var tagWarehouse = new Dictionary<string, string>(StringComparer.Ordinal);
        var queues = readers.ToDictionary(r => r.ReaderId, _ => new List<TagRead>());
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < tagCount; i++)
        {
            var epc = Rfid.Tags.Epc(run, i);
            var house = houses[i % houses.Count].Code;
            tags.Add(epc);
            tagWarehouse[epc] = house;
            foreach (var gate in perHouse[house])
            {
                // The tag's own antenna is clearly strongest, so the zone is stable (no hysteresis flapping).
                var primary = gate.Antennas[(i / houses.Count) % gate.Antennas.Length];
                var neighbour = gate.Antennas[((i / houses.Count) + 1) % gate.Antennas.Length];
                for (var k = 0; k < readsPerTag; k++)
                {
                    var weak = k % 2 == 1 && neighbour != primary;
                    queues[gate.ReaderId].Add(new TagRead(epc, weak ? neighbour : primary, weak ? -72 : -48, now));
                }
            }
        }

        // Interleave readers one read at a time, so every gate is busy all the time.
        var reads = new List<(GateReader, TagRead)>(queues.Values.Sum(q => q.Count));
        var longest = queues.Values.Max(q => q.Count);
        for (var k = 0; k < longest; k++)
        {
            foreach (var reader in readers)
            {
                var queue = queues[reader.ReaderId];
                if (k < queue.Count)
                {
                    reads.Add((reader, queue[k]));
                }
            }
        }

        return new RfidStream(readers, tags, tagWarehouse, reads);
    }

    /// <summary>The reads of the readers whose id ends with <c>-{gate}</c> (e.g. the inspection gate's, to publish after the dock's).</summary>
    public RfidStream AtGate(string gate)
    {
        bool At(GateReader r) => r.ReaderId.EndsWith("-" + gate, StringComparison.OrdinalIgnoreCase);
        return new RfidStream([.. Readers.Where(At)], Tags, TagWarehouse, [.. Reads.Where(x => At(x.Reader))]);
    }

    /// <summary>The stream as MQTT messages on <c>{prefix}/{readerId}/events</c>, <paramref name="readsPerMessage"/> reads each (1 = single-read events).</summary>
    public List<OutgoingMessage> ToMessages(string topicPrefix, int readsPerMessage)
    {
        var messages = new List<OutgoingMessage>(Reads.Count / Math.Max(1, readsPerMessage) + Readers.Count);
        var eventNums = Readers.ToDictionary(r => r.ReaderId, _ => 0L);
        var buffers = Readers.ToDictionary(r => r.ReaderId, _ => new List<TagRead>(readsPerMessage));
        foreach (var (reader, read) in Reads)
        {
            var buffer = buffers[reader.ReaderId];
            buffer.Add(read);
            if (buffer.Count == readsPerMessage)
            {
                messages.Add(Flush(reader, buffer));
            }
        }

        foreach (var reader in Readers.Where(r => buffers[r.ReaderId].Count > 0))
        {
            messages.Add(Flush(reader, buffers[reader.ReaderId]));
        }

        return messages;

        OutgoingMessage Flush(GateReader reader, List<TagRead> buffer)
        {
            var n = eventNums[reader.ReaderId];
            var payload = ZebraPayload.Write(reader.Mac, buffer, ref n);
            eventNums[reader.ReaderId] = n;
            var message = new OutgoingMessage(reader.ReaderId, $"{topicPrefix}/{reader.ReaderId}/events", payload, buffer.Count, buffer.Count == 1 ? buffer[0].Epc : null);
            buffer.Clear();
            return message;
        }
    }
}

/// <summary>A reader of the site as the stream uses it.</summary>
public sealed record GateReader(string ReaderId, string Warehouse, int[] Antennas, string Mac);
