using Tracking.Grains.Devices;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.UnitTests.Devices;

public sealed class RfidDeduplicatorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 14, 9, 0, 0, TimeSpan.Zero);

    // Like AMS1-GATE-IN: antennas 1 and 2 watch DOCK-IN-01, antenna 3 watches DOCK-IN-02.
    private static RfidDeduplicator Gate(RfidDedupSettings? settings = null) =>
        new(settings ?? RfidDedupSettings.Default, port => port switch { 1 or 2 => "DOCK-IN-01", 3 => "DOCK-IN-02", _ => null });

    private static RfidRead Read(string epc, int antenna, double rssi, DateTimeOffset at) => new(epc, antenna, rssi, at);

    [Fact]
    public void Five_hundred_reads_of_one_tag_on_three_antennas_give_exactly_one_arrival()
    {
        var gate = Gate();
        var random = new Random(42);
        var changes = new List<TagChange>();
        for (var batch = 0; batch < 50; batch++)
        {
            var now = T0.AddMilliseconds(batch * 20);
            var reads = Enumerable.Range(0, 10).Select(i =>
            {
                var antenna = (i % 3) + 1;
                var level = antenna switch { 1 => -50.0, 2 => -58.0, _ => -70.0 };
                return Read("3074257BF7194E4000001A85", antenna, level + ((random.NextDouble() - 0.5) * 6), now);
            });
            changes.AddRange(gate.Apply(reads, now));
        }

        var arrival = Assert.Single(changes);
        Assert.Equal(TagChangeKind.Arrived, arrival.Kind);
        Assert.Equal("DOCK-IN-01", arrival.Location);
        Assert.Equal(1, gate.TagsInField);
    }

    [Fact]
    public void The_arrival_names_the_strongest_location_of_the_first_batch()
    {
        var gate = Gate();
        var changes = gate.Apply([Read("E1", 1, -70, T0), Read("E1", 3, -50, T0), Read("E1", 3, -51, T0)], T0);
        Assert.Equal("DOCK-IN-02", Assert.Single(changes).Location);
    }

    [Fact]
    public void A_slightly_stronger_other_location_does_not_flip_the_zone()
    {
        var gate = Gate();
        gate.Apply([Read("E1", 1, -60, T0)], T0);
        var changes = new List<TagChange>();
        for (var i = 1; i <= 20; i++)
        {
            var now = T0.AddMilliseconds(i * 50);
            changes.AddRange(gate.Apply([Read("E1", 1, -60, now), Read("E1", 3, -57, now)], now));
        }

        Assert.Empty(changes);
    }

    [Fact]
    public void A_clearly_stronger_other_location_changes_the_zone_once()
    {
        var gate = Gate();
        gate.Apply([Read("E1", 1, -60, T0)], T0);
        var changes = new List<TagChange>();
        for (var i = 1; i <= 20; i++)
        {
            var now = T0.AddMilliseconds(i * 50);
            changes.AddRange(gate.Apply([Read("E1", 1, -68, now), Read("E1", 3, -50, now)], now));
        }

        var change = Assert.Single(changes);
        Assert.Equal(TagChangeKind.ZoneChanged, change.Kind);
        Assert.Equal("DOCK-IN-01", change.PreviousLocation);
        Assert.Equal("DOCK-IN-02", change.Location);
    }

    [Fact]
    public void Two_antennas_of_one_location_never_make_a_zone_change()
    {
        var gate = Gate();
        gate.Apply([Read("E1", 1, -50, T0)], T0);
        var changes = gate.Apply([Read("E1", 2, -40, T0.AddMilliseconds(10))], T0.AddMilliseconds(10));
        Assert.Empty(changes);
    }

    [Fact]
    public void A_tag_departs_after_the_silence_and_arrives_again_when_read_later()
    {
        var gate = Gate();
        gate.Apply([Read("E1", 1, -50, T0)], T0);
        Assert.Empty(gate.Expire(T0.AddSeconds(4)));
        var departed = Assert.Single(gate.Expire(T0.AddSeconds(5)));
        Assert.Equal(TagChangeKind.Departed, departed.Kind);
        Assert.Equal("DOCK-IN-01", departed.PreviousLocation);
        Assert.Equal(0, gate.TagsInField);

        var again = gate.Apply([Read("E1", 1, -50, T0.AddSeconds(9))], T0.AddSeconds(9));
        Assert.Equal(TagChangeKind.Arrived, Assert.Single(again).Kind);
    }

    [Fact]
    public void Reads_keep_a_tag_in_the_field()
    {
        var gate = Gate();
        for (var s = 0; s < 20; s++)
        {
            gate.Apply([Read("E1", 1, -50, T0.AddSeconds(s))], T0.AddSeconds(s));
            Assert.Empty(gate.Expire(T0.AddSeconds(s).AddMilliseconds(500)));
        }
    }

    [Fact]
    public void A_location_that_stopped_reading_loses_to_one_that_still_reads()
    {
        var gate = Gate();
        gate.Apply([Read("E1", 3, -40, T0)], T0);
        // DOCK-IN-02's antenna went quiet; the tag is only read on DOCK-IN-01 now, however weakly.
        var later = T0.AddSeconds(2);
        var change = Assert.Single(gate.Apply([Read("E1", 1, -75, later)], later));
        Assert.Equal("DOCK-IN-01", change.Location);
    }

    [Fact]
    public void Reads_on_unmapped_antennas_give_no_location_and_no_arrival()
    {
        var gate = Gate();
        Assert.Empty(gate.Apply([Read("E1", 9, -40, T0)], T0));
        Assert.Equal(TagChangeKind.Arrived, Assert.Single(gate.Apply([Read("E1", 1, -60, T0.AddMilliseconds(5))], T0.AddMilliseconds(5))).Kind);
    }

    [Fact]
    public void Many_tags_in_one_batch_each_arrive_once()
    {
        var gate = Gate();
        var reads = Enumerable.Range(0, 100).SelectMany(i => new[] { Read($"E{i:D4}", 1, -50, T0), Read($"E{i:D4}", 2, -55, T0) });
        Assert.Equal(100, gate.Apply(reads, T0).Count(c => c.Kind == TagChangeKind.Arrived));
        Assert.Empty(gate.Apply(reads, T0.AddMilliseconds(100)));
    }

    [Fact]
    public void A_forgotten_tag_arrives_again_on_its_next_read_without_a_departure()
    {
        // The gate forgets a tag whose item never got its arrival, so a redelivered read reports it again.
        var gate = Gate();
        Assert.Single(gate.Apply([Read("E1", 1, -50, T0)], T0));
        Assert.Empty(gate.Apply([Read("E1", 1, -50, T0.AddMilliseconds(100))], T0.AddMilliseconds(100)));

        Assert.True(gate.Forget("E1"));
        Assert.Equal(0, gate.TagsInField);
        Assert.Empty(gate.Expire(T0.AddSeconds(30)));

        var again = Assert.Single(gate.Apply([Read("E1", 1, -50, T0.AddMilliseconds(200))], T0.AddMilliseconds(200)));
        Assert.Equal(TagChangeKind.Arrived, again.Kind);
        Assert.Equal("DOCK-IN-01", again.Location);
        Assert.False(gate.Forget("E-unknown"));
    }
}
