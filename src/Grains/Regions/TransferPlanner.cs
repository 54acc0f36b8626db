using System.Globalization;
using Google.OrTools.LinearSolver;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Regions;

/// <summary>
/// Proposes transfers that minimise waiting plus transport cost within lane and destination capacity.
/// A mixed-integer program solved by SCIP through OR-Tools (see docs/decisions/0006-transfer-planner-model.md):
/// integer flows per (lane, stage), lane capacity shared by the stages, intake per destination stage limited to its
/// daily capacity, and each queue's waiting (item-days, convex in its length) as a piecewise-linear cost.
/// </summary>
public static class TransferPlanner
{
    private const string SolverId = "SCIP";

    public static PlanningOutcome Plan(PlanningInput input, PlannerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        settings ??= new PlannerSettings();
        var problems = Validate(input, settings);
        if (problems.Count > 0)
        {
            throw DomainException.Invalid("plan-input-invalid", $"The planning input is invalid: {string.Join("; ", problems)}.");
        }

        var queues = input.Queues.ToDictionary(q => Key(q.Warehouse, q.Stage));
        var origins = input.Origins.Select(o => o.ToUpperInvariant()).ToHashSet();
        var weight = settings.WaitingCostPerItemDay;

        using var solver = Solver.CreateSolver(SolverId)
            ?? throw new InvalidOperationException($"The OR-Tools {SolverId} solver is not available in this build.");
        solver.SetNumThreads(1);
        solver.SetTimeLimit((long)(settings.TimeLimit ?? TimeSpan.FromSeconds(10)).TotalMilliseconds);
        var objective = solver.Objective();
        objective.SetMinimization();

        var flows = new List<Flow>();
        foreach (var lane in input.Lanes.Where(l => origins.Contains(l.From.ToUpperInvariant())))
        {
            var laneRoom = lane.DailyCapacity - lane.CommittedToday;
            if (laneRoom <= 0)
            {
                continue;
            }

            var laneFlows = new List<Flow>();
            foreach (var stage in BacklogStages.All)
            {
                if (!queues.TryGetValue(Key(lane.From, stage), out var source) || source.Waiting == 0
                    || !queues.TryGetValue(Key(lane.To, stage), out var target) || Intake(target) == 0)
                {
                    continue;
                }

                var upper = Math.Min(laneRoom, Math.Min(source.Waiting, Intake(target)));
                var x = solver.MakeIntVar(0, upper, $"x_{lane.From}_{lane.To}_{stage}");
                objective.SetCoefficient(x, (double)lane.CostPerItem + (weight * lane.TransitHours / 24));
                laneFlows.Add(new Flow(lane, stage, x));
            }

            if (laneFlows.Count > 1)
            {
                var shared = solver.MakeConstraint(0, laneRoom, $"lane_{lane.From}_{lane.To}");
                laneFlows.ForEach(f => shared.SetCoefficient(f.X, 1));
            }

            flows.AddRange(laneFlows);
        }

        foreach (var queue in input.Queues)
        {
            AddQueue(solver, objective, queue, flows, settings);
        }

        // MPSolver stops at a 0.01 % gap by default; plans are small, so ask for the proven optimum.
        using var parameters = new MPSolverParameters();
        parameters.SetDoubleParam(MPSolverParameters.DoubleParam.RELATIVE_MIP_GAP, 0);
        var status = solver.Solve(parameters);
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            throw DomainException.Invalid("plan-infeasible", $"The solver found no plan ({status}). Check capacities and backlog counts for contradictions.");
        }

        var moved = flows
            .Select(f => (f.Lane, f.Stage, Quantity: (int)Math.Round(f.X.SolutionValue())))
            .Where(f => f.Quantity > 0)
            .ToList();
        return Explain(input, settings, moved, status == Solver.ResultStatus.OPTIMAL, solver.SolverVersion());
    }

    /// <summary>Item-days the queue waits in total: item k of L waits k/C days, so L(L+1)/2C; a stage nobody can do charges a flat penalty per item.</summary>
    public static double WaitingItemDays(int level, int dailyCapacity, PlannerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return dailyCapacity > 0 ? level * (level + 1.0) / (2.0 * dailyCapacity) : level * settings.CapabilityGapItemDays;
    }

    /// <summary>Items of a stage per day the destination can still take today.</summary>
    private static int Intake(PlanningQueue queue) => Math.Max(0, queue.DailyCapacity - queue.IntakeCommitted);

    /// <summary>
    /// Links the queue's level (waiting − out + in) to its waiting cost: segments below the current level price
    /// what leaving saves, segments above price what arriving adds. The curve is convex, so the solver fills
    /// segments in order and the piecewise-linear cost is exact at every segment boundary.
    /// </summary>
    private static void AddQueue(Solver solver, Objective objective, PlanningQueue queue, List<Flow> flows, PlannerSettings settings)
    {
        var outs = flows.Where(f => Same(f.Lane.From, queue.Warehouse) && f.Stage == queue.Stage).ToList();
        var ins = flows.Where(f => Same(f.Lane.To, queue.Warehouse) && f.Stage == queue.Stage).ToList();
        if (outs.Count == 0 && ins.Count == 0)
        {
            return;
        }

        var name = $"{queue.Warehouse}_{queue.Stage}";
        var balance = solver.MakeConstraint(0, 0, $"level_{name}");
        if (outs.Count > 0)
        {
            // Only items present now can leave; an item arriving today is not sent on again today.
            var present = solver.MakeConstraint(0, Math.Min(queue.Waiting, queue.Present ?? queue.Waiting), $"out_{name}");
            foreach (var f in outs)
            {
                present.SetCoefficient(f.X, 1);
                balance.SetCoefficient(f.X, -1);
            }

            foreach (var (lo, hi) in Segments(0, queue.Waiting, settings.MaxSegmentsPerQueue))
            {
                var down = solver.MakeNumVar(0, hi - lo, $"down_{name}_{lo}");
                balance.SetCoefficient(down, 1);
                objective.SetCoefficient(down, -settings.WaitingCostPerItemDay * Slope(lo, hi, queue.DailyCapacity, settings));
            }
        }

        if (ins.Count > 0)
        {
            var intake = solver.MakeConstraint(0, Intake(queue), $"in_{name}");
            foreach (var f in ins)
            {
                intake.SetCoefficient(f.X, 1);
                balance.SetCoefficient(f.X, 1);
            }

            foreach (var (lo, hi) in Segments(queue.Waiting, queue.Waiting + Intake(queue), settings.MaxSegmentsPerQueue))
            {
                var up = solver.MakeNumVar(0, hi - lo, $"up_{name}_{lo}");
                balance.SetCoefficient(up, -1);
                objective.SetCoefficient(up, settings.WaitingCostPerItemDay * Slope(lo, hi, queue.DailyCapacity, settings));
            }
        }
    }

    private static double Slope(int lo, int hi, int capacity, PlannerSettings settings) =>
        (WaitingItemDays(hi, capacity, settings) - WaitingItemDays(lo, capacity, settings)) / (hi - lo);

    private static IEnumerable<(int Lo, int Hi)> Segments(int from, int to, int maxSegments)
    {
        var step = Math.Max(1, (int)Math.Ceiling((to - from) / (double)maxSegments));
        for (var lo = from; lo < to; lo += step)
        {
            yield return (lo, Math.Min(to, lo + step));
        }
    }

    private static PlanningOutcome Explain(PlanningInput input, PlannerSettings settings, List<(PlanningLane Lane, BacklogStage Stage, int Quantity)> moved, bool optimal, string solverName)
    {
        var outcomes = input.Queues.Select(q =>
        {
            var outgoing = moved.Where(m => Same(m.Lane.From, q.Warehouse) && m.Stage == q.Stage).Sum(m => m.Quantity);
            var incoming = moved.Where(m => Same(m.Lane.To, q.Warehouse) && m.Stage == q.Stage).Sum(m => m.Quantity);
            return new QueueOutcome(q.Warehouse, q.Stage, q.Waiting, q.Waiting - outgoing + incoming, q.DailyCapacity);
        }).ToList();
        var byKey = outcomes.ToDictionary(o => Key(o.Warehouse, o.Stage));
        double Delta(QueueOutcome o) => WaitingItemDays(o.After, o.DailyCapacity, settings) - WaitingItemDays(o.Before, o.DailyCapacity, settings);
        int Moved(QueueOutcome o) => Math.Abs(o.After - o.Before) is var d && d > 0 ? d : 1;

        var proposals = new List<TransferProposal>();
        foreach (var (lane, stage, quantity) in moved)
        {
            var from = byKey[Key(lane.From, stage)];
            var to = byKey[Key(lane.To, stage)];

            // A queue touched by several proposals shares its change in proportion to the items each moves.
            var fromShare = Delta(from) * quantity / Moved(from);
            var toShare = Delta(to) * quantity / Moved(to);
            var transitDays = quantity * lane.TransitHours / 24;
            var saved = -(fromShare + toShare) - transitDays;
            var total = lane.CostPerItem * quantity;
            var explanation = string.Create(CultureInfo.InvariantCulture,
                $"Move {quantity} {stage} items {lane.From}->{lane.To} ({lane.CostPerItem:0.00}/item, {lane.TransitHours:0.#} h): " +
                $"{lane.From} {stage} {Days(from.Before, from.DailyCapacity)} -> {Days(from.After, from.DailyCapacity)}, " +
                $"{lane.To} {stage} {Days(to.Before, to.DailyCapacity)} -> {Days(to.After, to.DailyCapacity)}; " +
                $"saves {saved:0.#} item-days of waiting for {total:0.00} transport.");
            proposals.Add(new TransferProposal(
                lane.From, lane.To, stage, quantity, lane.CostPerItem, total, lane.TransitHours,
                BacklogDays(from.Before, from.DailyCapacity), BacklogDays(from.After, from.DailyCapacity),
                BacklogDays(to.Before, to.DailyCapacity), BacklogDays(to.After, to.DailyCapacity),
                Math.Round(saved, 3), explanation));
        }

        var totals = new PlanTotals(
            outcomes.Sum(o => WaitingItemDays(o.Before, o.DailyCapacity, settings)),
            outcomes.Sum(o => WaitingItemDays(o.After, o.DailyCapacity, settings)),
            moved.Sum(m => m.Quantity * m.Lane.TransitHours / 24),
            moved.Sum(m => m.Lane.CostPerItem * m.Quantity),
            moved.Sum(m => m.Quantity));
        return new PlanningOutcome(proposals.OrderByDescending(p => p.WaitingItemDaysSaved).ToList(), outcomes, totals, optimal, solverName);
    }

    private static double? BacklogDays(int items, int capacity) => capacity > 0 ? Math.Round((double)items / capacity, 3) : null;

    private static string Days(int items, int capacity) =>
        capacity > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{items} items = {(double)items / capacity:0.##} backlog-days")
            : string.Create(CultureInfo.InvariantCulture, $"{items} items, no capacity");

    private static List<string> Validate(PlanningInput input, PlannerSettings settings)
    {
        var problems = new List<string>();
        if (!(settings.WaitingCostPerItemDay > 0) || double.IsInfinity(settings.WaitingCostPerItemDay))
        {
            problems.Add($"the waiting cost per item-day must be a positive number (got {settings.WaitingCostPerItemDay})");
        }

        if (!(settings.CapabilityGapItemDays >= 0) || double.IsInfinity(settings.CapabilityGapItemDays))
        {
            problems.Add($"the capability-gap penalty must be zero or more item-days (got {settings.CapabilityGapItemDays})");
        }

        if (settings.MaxSegmentsPerQueue < 1)
        {
            problems.Add("at least one segment per queue is needed");
        }

        var warehouses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<(string, BacklogStage)>();
        foreach (var q in input.Queues)
        {
            if (string.IsNullOrWhiteSpace(q.Warehouse))
            {
                problems.Add("a queue has no warehouse");
                continue;
            }

            warehouses.Add(q.Warehouse);
            if (!seen.Add(Key(q.Warehouse, q.Stage)))
            {
                problems.Add($"{q.Warehouse} {q.Stage} is given twice");
            }

            if (q.Waiting < 0)
            {
                problems.Add($"{q.Warehouse} {q.Stage} has a negative backlog ({q.Waiting})");
            }

            if (q.DailyCapacity < 0)
            {
                problems.Add($"{q.Warehouse} {q.Stage} has a negative daily capacity ({q.DailyCapacity})");
            }

            if (q.IntakeCommitted < 0 || q.IntakeCommitted > Math.Max(0, q.DailyCapacity))
            {
                problems.Add($"{q.Warehouse} {q.Stage} has {q.IntakeCommitted} items committed for intake but takes {q.DailyCapacity} a day");
            }
        }

        var lanes = new HashSet<(string, string)>();
        foreach (var l in input.Lanes)
        {
            var name = $"lane {l.From}->{l.To}";
            if (string.Equals(l.From, l.To, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name} goes nowhere");
            }

            if (!lanes.Add((l.From.ToUpperInvariant(), l.To.ToUpperInvariant())))
            {
                problems.Add($"{name} is given twice");
            }

            problems.AddRange(new[] { l.From, l.To }.Where(w => !warehouses.Contains(w)).Select(w => $"{name} names {w}, which has no backlog data"));
            if (l.CostPerItem < 0)
            {
                problems.Add($"{name} has a negative cost per item ({l.CostPerItem})");
            }

            if (!(l.TransitHours >= 0) || double.IsInfinity(l.TransitHours))
            {
                problems.Add($"{name} has an invalid transit time ({l.TransitHours} h)");
            }

            if (l.DailyCapacity < 0)
            {
                problems.Add($"{name} has a negative daily capacity ({l.DailyCapacity})");
            }

            if (l.CommittedToday < 0 || l.CommittedToday > Math.Max(0, l.DailyCapacity))
            {
                problems.Add($"{name} has {l.CommittedToday} items committed today but carries {l.DailyCapacity} a day");
            }
        }

        problems.AddRange(input.Origins.Where(o => !warehouses.Contains(o)).Select(o => $"origin {o} has no backlog data"));
        return problems;
    }

    private static (string, BacklogStage) Key(string warehouse, BacklogStage stage) => (warehouse.ToUpperInvariant(), stage);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private sealed record Flow(PlanningLane Lane, BacklogStage Stage, Variable X);
}
