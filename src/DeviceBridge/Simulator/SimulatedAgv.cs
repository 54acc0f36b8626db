using Tracking.DeviceBridge.Agv;

namespace Tracking.DeviceBridge.Simulator;

/// <summary>
/// A simulated VDA 5050 vehicle: accepts orders (duplicates ignored, lower orderUpdateIds refused), drives node to node
/// at a set speed, runs pick/drop actions, drains and charges its battery and sometimes fails an action. No I/O:
/// <see cref="Step"/> advances time and <see cref="BuildState"/> says what it would publish.
/// </summary>
public sealed class SimulatedAgv(
    string manufacturer,
    string serialNumber,
    string mapId,
    IReadOnlyDictionary<string, (double X, double Y)> nodes,
    string homeNode,
    SimulatorOptions options,
    Random random)
{
    private const double ActionSeconds = 1.5;
    private const double LowBattery = 20;
    private const double ChargedBattery = 95;
    private const double StartDeviation = 0.5;

    private readonly List<PlannedNode> _route = [];
    private readonly List<VdaActionStateJson> _actions = [];
    private readonly List<string> _loads = [];
    private readonly List<VdaErrorJson> _errors = [];
    private readonly Dictionary<string, string> _loadIds = new(StringComparer.Ordinal);
    private (double X, double Y)? _chargerTrip;
    private VdaActionStateJson? _runningAction;
    private double _actionElapsed;
    private long _headerId;

    public string Manufacturer { get; } = manufacturer;

    public string SerialNumber { get; } = serialNumber;

    public double X { get; private set; } = nodes.TryGetValue(homeNode, out var home) ? home.X : 0;

    public double Y { get; private set; } = nodes.TryGetValue(homeNode, out var h) ? h.Y : 0;

    public double Theta { get; private set; }

    public double Battery { get; set; } = 60 + (random.NextDouble() * 40);

    public bool Charging { get; private set; }

    public string OrderId { get; private set; } = "";

    public long OrderUpdateId { get; private set; }

    public string LastNodeId { get; private set; } = homeNode;

    public long LastNodeSequenceId { get; private set; }

    public bool Driving { get; private set; }

    public bool Busy => _route.Count > 0 || _runningAction is not null;

    /// <summary>VDA 5050 order semantics: same id + update = duplicate; lower update = error; a new order only when idle.</summary>
    public string Accept(VdaOrderJson order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.OrderId == OrderId && order.OrderUpdateId == OrderUpdateId)
        {
            return "duplicate";
        }

        if (order.OrderId == OrderId && order.OrderUpdateId < OrderUpdateId)
        {
            AddWarning("orderUpdateError", $"orderUpdateId {order.OrderUpdateId} is lower than {OrderUpdateId}");
            return "rejected";
        }

        if (order.OrderId != OrderId && Busy)
        {
            AddWarning("orderError", $"busy with order {OrderId}");
            return "rejected";
        }

        // As a real AGV does (VDA 5050): a new order must start where the vehicle is, on its last node or close to it.
        if (order.OrderId != OrderId && order.Nodes.OrderBy(n => n.SequenceId).FirstOrDefault() is { } first && !CanStartAt(first))
        {
            AddWarning("orderError", $"first node {first.NodeId} is not reachable from {LastNodeId}");
            return "rejected";
        }

        _errors.RemoveAll(e => e.ErrorLevel == "WARNING");
        OrderId = order.OrderId;
        OrderUpdateId = order.OrderUpdateId;
        _route.Clear();
        _actions.Clear();
        _loadIds.Clear();
        _chargerTrip = null;
        Charging = false;
        foreach (var node in order.Nodes.OrderBy(n => n.SequenceId))
        {
            var position = node.NodePosition is { } p ? (p.X, p.Y) : nodes.GetValueOrDefault(node.NodeId);
            _route.Add(new PlannedNode(node.NodeId, node.SequenceId, position.Item1, position.Item2, node.Actions));
            _actions.AddRange(node.Actions.Select(a => new VdaActionStateJson { ActionId = a.ActionId, ActionType = a.ActionType, ActionStatus = "WAITING" }));
            foreach (var action in node.Actions)
            {
                if (action.ActionParameters?.FirstOrDefault(p => p.Key == "loadId") is { } load)
                {
                    _loadIds[action.ActionId] = load.Value;
                }
            }
        }

        return "accepted";
    }

    private bool CanStartAt(VdaNodeJson first)
    {
        if (first.NodeId == LastNodeId)
        {
            return true;
        }

        var (x, y) = first.NodePosition is { } p ? (p.X, p.Y) : nodes.GetValueOrDefault(first.NodeId);
        return Math.Abs(x - X) <= StartDeviation && Math.Abs(y - Y) <= StartDeviation;
    }

    public void Step(double seconds)
    {
        if (_runningAction is not null)
        {
            _actionElapsed += seconds;
            if (_actionElapsed >= ActionSeconds)
            {
                FinishAction();
            }

            return;
        }

        if (_route.Count > 0)
        {
            var next = _route[0];
            if (Drive(next.X, next.Y, seconds))
            {
                LastNodeId = next.NodeId;
                LastNodeSequenceId = next.SequenceId;
                _route.RemoveAt(0);
                StartActions(next);
            }

            return;
        }

        if (_chargerTrip is { } charger)
        {
            if (Drive(charger.X, charger.Y, seconds))
            {
                _chargerTrip = null;
                Charging = true;
            }

            return;
        }

        Driving = false;
        if (Charging)
        {
            Battery = Math.Min(100, Battery + (0.5 * seconds));
            Charging = Battery < ChargedBattery;
            return;
        }

        Battery = Math.Max(0, Battery - (0.005 * seconds));
        if (Battery < LowBattery && nodes.TryGetValue("N-CHARGE", out var station))
        {
            _chargerTrip = station;
        }
    }

    public VdaStateJson BuildState(DateTimeOffset now) => new()
    {
        HeaderId = _headerId++,
        Timestamp = VdaOrderBuilder.FormatTimestamp(now),
        Version = VdaOrderBuilder.ProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = SerialNumber,
        OrderId = OrderId,
        OrderUpdateId = OrderUpdateId,
        LastNodeId = LastNodeId,
        LastNodeSequenceId = LastNodeSequenceId,
        Driving = Driving,
        OperatingMode = "AUTOMATIC",
        NodeStates = _route.Select(n => new VdaNodeStateJson { NodeId = n.NodeId, SequenceId = n.SequenceId, Released = true }).ToList(),
        EdgeStates = [],
        AgvPosition = new VdaAgvPositionJson { X = Math.Round(X, 3), Y = Math.Round(Y, 3), Theta = Math.Round(Theta, 3), MapId = mapId, PositionInitialized = true },
        Velocity = new VdaVelocityJson { Vx = Driving ? options.AgvSpeed : 0, Vy = 0, Omega = 0 },
        Loads = _loads.Select(l => new VdaLoadJson { LoadId = l }).ToList(),
        BatteryState = new VdaBatteryStateJson { BatteryCharge = Math.Round(Battery, 1), Charging = Charging },
        ActionStates = _actions.Select(a => new VdaActionStateJson { ActionId = a.ActionId, ActionType = a.ActionType, ActionStatus = a.ActionStatus, ResultDescription = a.ResultDescription }).ToList(),
        Errors = [.. _errors],
        SafetyState = new VdaSafetyStateJson { EStop = "NONE", FieldViolation = false },
    };

    private bool Drive(double x, double y, double seconds)
    {
        var dx = x - X;
        var dy = y - Y;
        var distance = Math.Sqrt((dx * dx) + (dy * dy));
        var step = options.AgvSpeed * seconds;
        Driving = distance > 0.001;
        Battery = Math.Max(0, Battery - (0.05 * seconds));
        if (distance <= step)
        {
            X = x;
            Y = y;
            Driving = false;
            return true;
        }

        Theta = Math.Atan2(dy, dx);
        X += dx / distance * step;
        Y += dy / distance * step;
        return false;
    }

    private void StartActions(PlannedNode node)
    {
        var first = node.Actions.FirstOrDefault();
        if (first is null)
        {
            return;
        }

        _runningAction = _actions.First(a => a.ActionId == first.ActionId);
        _runningAction.ActionStatus = "RUNNING";
        _actionElapsed = 0;
    }

    private void FinishAction()
    {
        var action = _runningAction!;
        _runningAction = null;
        if (random.NextDouble() < options.FailureRate)
        {
            action.ActionStatus = "FAILED";
            action.ResultDescription = action.ActionType == "pick" ? "load not found at station" : "station occupied";
            _route.Clear();
            return;
        }

        action.ActionStatus = "FINISHED";
        var loadId = _loadIds.GetValueOrDefault(action.ActionId ?? "");
        if (action.ActionType == "pick" && loadId is not null)
        {
            _loads.Add(loadId);
        }
        else if (action.ActionType == "drop" && loadId is not null)
        {
            _loads.Remove(loadId);
        }
    }

    private void AddWarning(string type, string description)
    {
        _errors.RemoveAll(e => e.ErrorType == type);
        _errors.Add(new VdaErrorJson { ErrorType = type, ErrorLevel = "WARNING", ErrorDescription = description });
    }

    private sealed record PlannedNode(string NodeId, long SequenceId, double X, double Y, IReadOnlyList<VdaActionJson> Actions);
}
