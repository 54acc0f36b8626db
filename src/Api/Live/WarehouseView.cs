using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>
/// The live projection of one warehouse on one silo: a base read from the grains plus the stream events since, and what
/// changed since the last delta. Plain C# and not thread-safe (the feed serialises access), so it is unit tested alone.
/// Deltas carry absolute values, so a snapshot taken at sequence S and the deltas after S always add up to this state.
/// </summary>
public sealed class WarehouseView
{
    /// <summary>Item moves kept for a joining client, and the most sent in one delta (counts stay exact regardless).</summary>
    public const int RecentMoveLimit = 30;
    public const int MovesPerDeltaLimit = 50;

    /// <summary>How long item events are kept to re-apply on top of an inventory that was aggregated before them.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(60);

    private readonly WarehouseDefinition _definition;
    private readonly TimeSpan _agvPositionInterval;
    private readonly Dictionary<string, LocationDefinition> _layoutLocations;
    private readonly Dictionary<string, LocationState> _locations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ItemStatus, int> _totals = [];
    private readonly Dictionary<string, GateView> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, AgvSnapshot> _agvs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TransportTask> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alert> _alerts = new(StringComparer.Ordinal);
    private readonly LinkedList<ItemMove> _recentMoves = new();
    private readonly Queue<CountChange> _replay = new();
    private readonly Dictionary<string, DateTimeOffset> _alertEvents = new(StringComparer.Ordinal);

    // Pending changes since the last delta.
    private readonly HashSet<string> _dirtyLocations = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _dirtyGates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, GateRead> _gateReads = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _dirtyAgvs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TransportTask> _dirtyTasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alert> _raised = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cleared = new(StringComparer.Ordinal);
    private readonly List<ItemMove> _moves = [];
    private readonly Dictionary<string, (DateTimeOffset At, AgvSnapshot Agv)> _agvSent = new(StringComparer.OrdinalIgnoreCase);
    private bool _totalsDirty;

    public WarehouseView(WarehouseDefinition definition, string epoch, TimeSpan agvPositionInterval)
    {
        ArgumentNullException.ThrowIfNull(definition);
        _definition = definition;
        Epoch = epoch;
        _agvPositionInterval = agvPositionInterval;
        _layoutLocations = definition.Layout.Locations.ToDictionary(l => l.Code, StringComparer.OrdinalIgnoreCase);
        foreach (var location in definition.Layout.Locations)
        {
            _locations[location.Code] = new LocationState();
        }

        foreach (var reader in definition.Layout.Readers)
        {
            _gates[reader.ReaderId] = new GateView(reader.ReaderId, 0, 0, null, false, 0);
        }
    }

    public string Warehouse => _definition.Code;

    public string Epoch { get; }

    /// <summary>The number of the last delta produced; a snapshot carries it.</summary>
    public long Seq { get; private set; }

    /// <summary>Something is waiting to go out (maybe not yet due: AGV positions are throttled).</summary>
    public bool HasPending =>
        _totalsDirty || _dirtyLocations.Count > 0 || _dirtyGates.Count > 0 || _gateReads.Count > 0 || _dirtyAgvs.Count > 0 ||
        _dirtyTasks.Count > 0 || _raised.Count > 0 || _cleared.Count > 0 || _moves.Count > 0;

    /// <summary>
    /// Only gate read counts are waiting. They need not lead a delta: a gate's read is usually followed within a
    /// millisecond by the item change it caused, which should not then wait a whole gap behind it.
    /// </summary>
    public bool OnlyGateReadsPending =>
        (_dirtyGates.Count > 0 || _gateReads.Count > 0) && !_totalsDirty && _dirtyLocations.Count == 0 && _dirtyAgvs.Count == 0 &&
        _dirtyTasks.Count == 0 && _raised.Count == 0 && _cleared.Count == 0 && _moves.Count == 0;

    public void Apply(LiveEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        switch (evt)
        {
            case ItemChanged item:
                var change = new CountChange(item.At, LocalLocation(item.PreviousLocation), LocalLocation(item.Location), item.PreviousStatus, item.Status);
                _replay.Enqueue(change);
                TrimReplay(item.At);
                ApplyCounts(change);
                AddMove(item, change);
                break;
            case GateActivity gate:
                ApplyGate(gate);
                break;
            case AgvChanged agv:
                SetAgv(agv.Agv);
                break;
            case TransportTaskChanged task:
                SetTask(task.Task);
                break;
            case AlertRaised raised:
                NoteAlertEvent(raised.Alert.AlertId, raised.At);
                RaiseAlert(raised.Alert);
                break;
            case AlertCleared cleared:
                NoteAlertEvent(cleared.AlertId, cleared.At);
                ClearAlert(cleared.AlertId);
                break;
            default:
                // Transfers and future event types belong to other views; ignoring them keeps old silos compatible.
                break;
        }
    }

    /// <summary>
    /// Replaces each part the grains returned, re-applying item events newer than the inventory (it is aggregated in
    /// stages, so it may lag the events), and marks whatever differs so the next delta heals every client.
    /// </summary>
    public void Rebase(WarehouseBase fresh)
    {
        ArgumentNullException.ThrowIfNull(fresh);
        if (fresh.Inventory is { } inventory)
        {
            RebaseInventory(inventory);
        }

        if (fresh.Gates is { } gates)
        {
            foreach (var status in gates)
            {
                var view = new GateView(status.ReaderId, status.ReadsPerSecond, status.TotalReads, status.LastSeen, status.Silent, status.TagsInField);
                if (_gates.TryGetValue(status.ReaderId, out var current) && current != view)
                {
                    _gates[status.ReaderId] = view;
                    _dirtyGates.Add(status.ReaderId);
                }
            }
        }

        foreach (var agv in fresh.Agvs ?? [])
        {
            SetAgv(agv);
        }

        if (fresh.Tasks is { } tasks)
        {
            foreach (var task in tasks)
            {
                SetTask(task);
            }
        }

        if (fresh.Alerts is { } alerts)
        {
            // An alert raised or cleared by an event after the read is newer than the read: keep what the event said.
            var open = alerts.ToDictionary(a => a.AlertId, StringComparer.Ordinal);
            bool Newer(string id) => _alertEvents.TryGetValue(id, out var at) && at >= fresh.ReadAt;
            foreach (var gone in _alerts.Keys.Where(id => !open.ContainsKey(id) && !Newer(id)).ToList())
            {
                ClearAlert(gone);
            }

            foreach (var alert in open.Values.Where(a => !Newer(a.AlertId)))
            {
                RaiseAlert(alert);
            }
        }
    }

    /// <summary>The next delta, or null when nothing is due. Consumes what it sends and numbers it <see cref="Seq"/> + 1.</summary>
    public WarehouseDelta? Flush(DateTimeOffset now)
    {
        var agvs = new List<AgvSnapshot>();
        foreach (var id in _dirtyAgvs.ToList())
        {
            var agv = _agvs[id];
            if (_agvSent.TryGetValue(id, out var sent) && now - sent.At < _agvPositionInterval && OnlyPositionDiffers(sent.Agv, agv))
            {
                continue; // throttled: stays pending for a later delta
            }

            agvs.Add(agv);
            _agvSent[id] = (now, agv);
            _dirtyAgvs.Remove(id);
        }

        var anythingElse = _totalsDirty || _dirtyLocations.Count > 0 || _dirtyGates.Count > 0 || _gateReads.Count > 0 ||
            _dirtyTasks.Count > 0 || _raised.Count > 0 || _cleared.Count > 0 || _moves.Count > 0;
        if (agvs.Count == 0 && !anythingElse)
        {
            return null;
        }

        var zones = _dirtyLocations
            .Select(code => _layoutLocations[code].Zone)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(ZoneCountOf)
            .OfType<ZoneCount>()
            .ToList();
        var delta = new WarehouseDelta(
            Warehouse,
            Epoch,
            ++Seq,
            now,
            _totalsDirty ? new Dictionary<ItemStatus, int>(_totals) : null,
            zones,
            _dirtyLocations.Select(FillOf).ToList(),
            _dirtyGates.Select(id => _gates[id]).ToList(),
            [.. _gateReads.Values],
            agvs,
            [.. _dirtyTasks.Values],
            [.. _raised.Values],
            [.. _cleared],
            _moves.Count > MovesPerDeltaLimit ? _moves.GetRange(_moves.Count - MovesPerDeltaLimit, MovesPerDeltaLimit) : [.. _moves]);

        _totalsDirty = false;
        _dirtyLocations.Clear();
        _dirtyGates.Clear();
        _gateReads.Clear();
        _dirtyTasks.Clear();
        _raised.Clear();
        _cleared.Clear();
        _moves.Clear();
        return delta;
    }

    /// <summary>The state after delta <see cref="Seq"/>. Pending changes are not in it yet: they arrive as delta Seq + 1.</summary>
    public WarehouseSnapshot Snapshot(DateTimeOffset now)
    {
        // Pending changes are already in the state below and will also come in delta Seq + 1: harmless, because a
        // delta carries absolute values (clients drop a move they already list).
        return new WarehouseSnapshot(
            Warehouse,
            Epoch,
            Seq,
            now,
            new Dictionary<ItemStatus, int>(_totals),
            _definition.Layout.Zones.Select(z => ZoneCountOf(z.Code)).OfType<ZoneCount>().ToList(),
            _definition.Layout.Locations.Select(l => FillOf(l.Code)).ToList(),
            [.. _gates.Values],
            [.. _agvs.Values],
            [.. _tasks.Values],
            [.. _alerts.Values.OrderByDescending(a => a.Severity).ThenByDescending(a => a.RaisedAt)],
            [.. _recentMoves]);
    }

    private void ApplyCounts(CountChange change)
    {
        if (change.From is { } from)
        {
            _locations[from].Remove(change.PreviousStatus);
            _dirtyLocations.Add(from);
        }

        if (change.To is { } to)
        {
            _locations[to].Add(change.Status);
            _dirtyLocations.Add(to);
        }

        if (change.PreviousStatus != change.Status)
        {
            if (change.PreviousStatus is { } previous && _totals.TryGetValue(previous, out var before))
            {
                _totals[previous] = Math.Max(0, before - 1);
            }

            _totals[change.Status] = _totals.GetValueOrDefault(change.Status) + 1;
            _totalsDirty = true;
        }
    }

    private void AddMove(ItemChanged item, CountChange change)
    {
        var move = new ItemMove(item.ItemId, item.Sku, change.From, change.To, item.PreviousStatus, item.Status, item.EventType, item.At);
        _moves.Add(move);
        _recentMoves.AddFirst(move);
        while (_recentMoves.Count > RecentMoveLimit)
        {
            _recentMoves.RemoveLast();
        }
    }

    private void RebaseInventory(WarehouseInventory inventory)
    {
        var before = _locations.ToDictionary(kv => kv.Key, kv => kv.Value.Copy(), StringComparer.OrdinalIgnoreCase);
        var totalsBefore = new Dictionary<ItemStatus, int>(_totals);
        foreach (var state in _locations.Values)
        {
            state.Reset();
        }

        // Each location's counts are as of its own last report to the warehouse (every 250 ms), not as of the moment the
        // inventory was read: a change after a location's report is replayed for that location, one before it is in.
        var reported = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var count in inventory.Locations)
        {
            if (LocalLocation(count.Location) is { } code)
            {
                _locations[code].Set(count.ByStatus, count.Count);
                reported[code] = count.AsOf ?? inventory.AsOf;
            }
        }

        _totals.Clear();
        foreach (var (status, count) in inventory.ByStatus)
        {
            _totals[status] = count;
        }

        // Replay without marks: the clients saw those changes already; the diff below marks what changed.
        foreach (var change in _replay)
        {
            var from = change.From is { } f && change.At > reported.GetValueOrDefault(f, inventory.AsOf) ? f : null;
            var to = change.To is { } t && change.At > reported.GetValueOrDefault(t, inventory.AsOf) ? t : null;
            ReplayMissed(change, from, to);
        }

        foreach (var (code, state) in _locations)
        {
            if (!state.SameAs(before[code]))
            {
                _dirtyLocations.Add(code);
            }
        }

        if (totalsBefore.Count != _totals.Count || totalsBefore.Any(kv => _totals.GetValueOrDefault(kv.Key) != kv.Value))
        {
            _totalsDirty = true;
        }
    }

    /// <summary>
    /// The parts of a change the inventory's locations had not reported: the item leaving <paramref name="from"/>, arriving
    /// at <paramref name="to"/>. The totals are the locations' sum, as the inventory counts them.
    /// </summary>
    private void ReplayMissed(CountChange change, string? from, string? to)
    {
        if (from is not null)
        {
            _locations[from].Remove(change.PreviousStatus);
            if (change.PreviousStatus is { } previous && _totals.TryGetValue(previous, out var before))
            {
                _totals[previous] = Math.Max(0, before - 1);
            }
        }

        if (to is not null)
        {
            _locations[to].Add(change.Status);
            _totals[change.Status] = _totals.GetValueOrDefault(change.Status) + 1;
        }
    }

    private void ApplyGate(GateActivity gate)
    {
        if (!_gates.TryGetValue(gate.ReaderId, out var current))
        {
            return;
        }

        _gates[gate.ReaderId] = current with { TotalReads = current.TotalReads + gate.Reads, LastSeen = gate.At, Silent = false };
        _dirtyGates.Add(gate.ReaderId);
        var reads = _gateReads.TryGetValue(gate.ReaderId, out var pending) ? pending.Reads : 0;
        _gateReads[gate.ReaderId] = new GateRead(gate.ReaderId, gate.Antenna, reads + gate.Reads, gate.Epc ?? pending?.LastEpc);
    }

    private void SetAgv(AgvSnapshot agv)
    {
        if (_agvs.TryGetValue(agv.AgvId, out var current) &&
            (current == agv || (current.LastUpdate is { } known && agv.LastUpdate is { } incoming && incoming < known)))
        {
            return; // unchanged, or older than what is shown
        }

        _agvs[agv.AgvId] = agv;
        _dirtyAgvs.Add(agv.AgvId);
    }

    private void SetTask(TransportTask task)
    {
        if (_tasks.TryGetValue(task.TaskId, out var current) && (current == task || task.UpdatedAt < current.UpdatedAt))
        {
            return;
        }

        if (task.Status is TransportTaskStatus.Completed or TransportTaskStatus.Failed)
        {
            _tasks.Remove(task.TaskId);
        }
        else
        {
            _tasks[task.TaskId] = task;
        }

        _dirtyTasks[task.TaskId] = task;
    }

    private void RaiseAlert(Alert alert)
    {
        if (_alerts.TryGetValue(alert.AlertId, out var current) && current == alert)
        {
            return;
        }

        _alerts[alert.AlertId] = alert;
        _raised[alert.AlertId] = alert;
        _cleared.Remove(alert.AlertId);
    }

    private void ClearAlert(string alertId)
    {
        if (_alerts.Remove(alertId))
        {
            _raised.Remove(alertId);
            _cleared.Add(alertId);
        }
    }

    /// <summary>A location code of this warehouse from an id (<c>AMS1/DOCK-IN-01</c>) or a bare code; null if not on this map.</summary>
    private string? LocalLocation(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return null;
        }

        var slash = location.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!location.AsSpan(0, slash).Equals(Warehouse, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            location = location[(slash + 1)..];
        }

        return _layoutLocations.TryGetValue(location, out var definition) ? definition.Code : null;
    }

    private LocationFill FillOf(string code)
    {
        var definition = _layoutLocations[code];
        return new LocationFill(definition.Code, definition.Zone, _locations[code].Count, definition.Capacity);
    }

    private ZoneCount? ZoneCountOf(string zoneCode)
    {
        var zone = _definition.Layout.Zones.FirstOrDefault(z => string.Equals(z.Code, zoneCode, StringComparison.OrdinalIgnoreCase));
        if (zone is null)
        {
            return null;
        }

        var count = 0;
        var capacity = 0;
        var byStatus = new Dictionary<ItemStatus, int>();
        foreach (var location in _definition.Layout.Locations.Where(l => string.Equals(l.Zone, zone.Code, StringComparison.OrdinalIgnoreCase)))
        {
            var state = _locations[location.Code];
            count += state.Count;
            capacity += location.Capacity;
            foreach (var (status, n) in state.ByStatus)
            {
                byStatus[status] = byStatus.GetValueOrDefault(status) + n;
            }
        }

        return new ZoneCount(zone.Code, zone.Type, count, capacity, byStatus);
    }

    private void TrimReplay(DateTimeOffset latest)
    {
        while (_replay.Count > 0 && (latest - _replay.Peek().At > ReplayWindow || _replay.Count > 10_000))
        {
            _replay.Dequeue();
        }
    }

    private void NoteAlertEvent(string alertId, DateTimeOffset at)
    {
        _alertEvents[alertId] = at;
        if (_alertEvents.Count > 1_000)
        {
            foreach (var old in _alertEvents.Where(kv => at - kv.Value > ReplayWindow).Select(kv => kv.Key).ToList())
            {
                _alertEvents.Remove(old);
            }
        }
    }

    private static bool OnlyPositionDiffers(AgvSnapshot sent, AgvSnapshot now) =>
        now with { X = sent.X, Y = sent.Y, Theta = sent.Theta, LastUpdate = sent.LastUpdate, LastNodeId = sent.LastNodeId, BatteryCharge = sent.BatteryCharge } == sent;

    /// <summary>Items at one location, by status. Counts never go below zero (a lost event must not show negatives).</summary>
    private sealed class LocationState
    {
        public Dictionary<ItemStatus, int> ByStatus { get; } = [];

        public int Count { get; private set; }

        public void Add(ItemStatus status)
        {
            ByStatus[status] = ByStatus.GetValueOrDefault(status) + 1;
            Count++;
        }

        public void Remove(ItemStatus? status)
        {
            if (status is { } s && ByStatus.TryGetValue(s, out var n))
            {
                if (n <= 1)
                {
                    ByStatus.Remove(s);
                }
                else
                {
                    ByStatus[s] = n - 1;
                }
            }

            Count = Math.Max(0, Count - 1);
        }

        public void Set(IReadOnlyDictionary<ItemStatus, int> byStatus, int count)
        {
            ByStatus.Clear();
            foreach (var (status, n) in byStatus.Where(kv => kv.Value > 0))
            {
                ByStatus[status] = n;
            }

            Count = count;
        }

        public void Reset()
        {
            ByStatus.Clear();
            Count = 0;
        }

        public LocationState Copy()
        {
            var copy = new LocationState();
            copy.Set(ByStatus, Count);
            return copy;
        }

        public bool SameAs(LocationState other) =>
            Count == other.Count && ByStatus.Count == other.ByStatus.Count && ByStatus.All(kv => other.ByStatus.GetValueOrDefault(kv.Key) == kv.Value);
    }

    /// <summary>
    /// What a rebase needs of an item event: when it happened and the counts it moved, with the layout's own location
    /// codes. Kept instead of the event for the replay window: an event (with its id, SKU and codes as strings of
    /// its own, deserialised from the stream) kept for seconds was copied twice by the garbage collector.
    /// </summary>
    private readonly record struct CountChange(DateTimeOffset At, string? From, string? To, ItemStatus? PreviousStatus, ItemStatus Status);
}
