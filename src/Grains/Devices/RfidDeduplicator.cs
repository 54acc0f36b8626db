using Tracking.Grains.Interfaces.Devices;

namespace Tracking.Grains.Devices;

/// <summary>Tuning of <see cref="RfidDeduplicator"/>. See docs/decisions/0004-rfid-dedup-rules.md.</summary>
public sealed record RfidDedupSettings(
    TimeSpan DepartureSilence,
    double HysteresisDb,
    double Smoothing,
    TimeSpan AntennaStaleAfter)
{
    public static readonly RfidDedupSettings Default = new(TimeSpan.FromSeconds(5), 6.0, 0.3, TimeSpan.FromSeconds(1));
}

public enum TagChangeKind
{
    Arrived,
    ZoneChanged,
    Departed,
}

/// <summary>A decision worth telling the item about (arrivals, zone changes) or the map (departures).</summary>
public sealed record TagChange(
    TagChangeKind Kind,
    string Epc,
    string? Location,
    string? PreviousLocation,
    int Antenna,
    double Rssi,
    DateTimeOffset ObservedAt,
    int Reads);

/// <summary>
/// Turns a reader's raw reads (hundreds per second per tag, on several antennas) into a few changes per tag:
/// arrival on the first read, a zone change only when another location's smoothed RSSI beats the current one by
/// the hysteresis margin, departure after a silence. Pure: the caller supplies the clock.
/// </summary>
public sealed class RfidDeduplicator(RfidDedupSettings settings, Func<int, string?> locationOfAntenna)
{
    private readonly Dictionary<string, TagTrack> _tags = new(StringComparer.Ordinal);

    public int TagsInField => _tags.Count;

    /// <summary>Feeds one batch of reads received at <paramref name="now"/>; returns arrivals and zone changes.</summary>
    public IReadOnlyList<TagChange> Apply(IEnumerable<RfidRead> reads, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var changes = new List<TagChange>();
        foreach (var group in reads.GroupBy(r => r.Epc, StringComparer.Ordinal))
        {
            var isNew = !_tags.TryGetValue(group.Key, out var track);
            track ??= new TagTrack();
            var count = 0;
            DateTimeOffset? firstAt = null;
            foreach (var read in group)
            {
                count += Math.Max(1, read.ReadCount);
                firstAt ??= read.At;
                var location = locationOfAntenna(read.Antenna);
                if (location is not null)
                {
                    track.Feed(location, read.Antenna, read.PeakRssi, now, settings);
                }
            }

            track.LastSeen = now;
            var (best, bestLevel) = track.Strongest(now, settings.AntennaStaleAfter);
            if (best is null)
            {
                // Only unmapped antennas saw it: keep it alive but there is no location to report yet.
                if (isNew)
                {
                    _tags[group.Key] = track;
                }

                continue;
            }

            if (track.Location is null)
            {
                _tags[group.Key] = track;
                track.Location = best.Location;
                changes.Add(new TagChange(TagChangeKind.Arrived, group.Key, best.Location, null, best.Antenna, bestLevel, firstAt ?? now, count));
                continue;
            }

            if (best.Location == track.Location)
            {
                continue;
            }

            var current = track.Level(track.Location, now, settings.AntennaStaleAfter);
            if (current is null || bestLevel >= current.Value + settings.HysteresisDb)
            {
                var previous = track.Location;
                track.Location = best.Location;
                changes.Add(new TagChange(TagChangeKind.ZoneChanged, group.Key, best.Location, previous, best.Antenna, bestLevel, firstAt ?? now, count));
            }
        }

        return changes;
    }

    /// <summary>
    /// Takes a tag out of the field without a departure, so its next read is an arrival again: for a tag whose last
    /// change never reached its item (the item kept failing), which a redelivered or later read must then report anew.
    /// </summary>
    public bool Forget(string epc) => _tags.Remove(epc);

    /// <summary>Tags not read for the departure silence have left the field.</summary>
    public IReadOnlyList<TagChange> Expire(DateTimeOffset now)
    {
        List<TagChange>? departed = null;
        foreach (var (epc, track) in _tags)
        {
            if (now - track.LastSeen >= settings.DepartureSilence)
            {
                departed ??= [];
                departed.Add(new TagChange(TagChangeKind.Departed, epc, null, track.Location, 0, 0, track.LastSeen, 0));
            }
        }

        foreach (var change in departed ?? [])
        {
            _tags.Remove(change.Epc);
        }

        return departed ?? (IReadOnlyList<TagChange>)[];
    }

    private sealed class TagTrack
    {
        // A tag is seen at one or two of a gate's locations: a short array searched in place costs a tag in the field
        // a third of what a dictionary did, and every tag stays in memory (and is copied by the collector) while it dwells.
        private LocationSignal[] _signals = [];

        public string? Location { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public void Feed(string location, int antenna, double rssi, DateTimeOffset now, RfidDedupSettings settings)
        {
            var signal = Find(location);
            if (signal is null)
            {
                Array.Resize(ref _signals, _signals.Length + 1);
                _signals[^1] = new LocationSignal(location, antenna, rssi, now);
                return;
            }

            if (now - signal.LastSeen > settings.AntennaStaleAfter)
            {
                // Stale: starts over, as a first read there would.
                signal.Antenna = antenna;
                signal.Level = rssi;
                signal.LastSeen = now;
                return;
            }

            // Exponential smoothing damps the ±several dB noise of single reads; the strongest antenna of a location names it.
            signal.Level = (settings.Smoothing * rssi) + ((1 - settings.Smoothing) * signal.Level);
            if (rssi >= signal.Level)
            {
                signal.Antenna = antenna;
            }

            signal.LastSeen = now;
        }

        public double? Level(string location, DateTimeOffset now, TimeSpan staleAfter) =>
            Find(location) is { } s && now - s.LastSeen <= staleAfter ? s.Level : null;

        public (LocationSignal? Best, double Level) Strongest(DateTimeOffset now, TimeSpan staleAfter)
        {
            LocationSignal? best = null;
            foreach (var s in _signals)
            {
                if (now - s.LastSeen <= staleAfter && (best is null || s.Level > best.Level))
                {
                    best = s;
                }
            }

            return (best, best?.Level ?? double.NegativeInfinity);
        }

        private LocationSignal? Find(string location)
        {
            foreach (var s in _signals)
            {
                if (string.Equals(s.Location, location, StringComparison.Ordinal))
                {
                    return s;
                }
            }

            return null;
        }
    }

    private sealed class LocationSignal(string location, int antenna, double level, DateTimeOffset lastSeen)
    {
        public string Location { get; } = location;

        public int Antenna { get; set; } = antenna;

        public double Level { get; set; } = level;

        public DateTimeOffset LastSeen { get; set; } = lastSeen;
    }
}
