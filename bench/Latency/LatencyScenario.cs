using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Bench.Rfid;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Bench.Latency;

/// <summary>
/// (3) End to end: a Zebra read of a newly arriving tag published to Mosquitto → bridge → gate grain → item grain
/// (Received) → live stream → per-silo forwarder → SignalR delta → client. Timed per item from just before the
/// publish to the client's receive callback, at several rates over the 4 warehouses' inbound dock readers and at several
/// live-map delta gaps (<c>Tracking:Live:FlushInterval</c>), split into stages; plus issue 5's case of
/// 50 clients on one warehouse at 1,000 events/s; plus levels where every read moves an item already on site (received
/// at the dock beforehand, read at the inspection gate), a site's steady state.
/// </summary>
public sealed class LatencyScenario : IScenario
{
    /// <summary>Issue 5's fan-out case watches one warehouse, fed by its inbound dock reader.</summary>
    private const string FanOutWarehouse = "AMS1";

    /// <summary>Warm-up rounds at most, of <see cref="WarmUpMessages"/> new items at <see cref="WarmUpRate"/> each (2 s).</summary>
    private const int MaxWarmUpRounds = 5;

    private const int WarmUpMessages = 6_000;

    private const double WarmUpRate = 3_000;

    private const string DockGate = "GATE-IN";

    private const string InspectionGate = "GATE-INSP";

    public string Name => "latency";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "3. End-to-end latency: device publish → SignalR client receive (ms)",
            "rate (msgs/s)", "each message", "live delta gap (FlushInterval)", "clients", "published", "timed deliveries", "p50", "p90", "p99", "max", "p50 / p99 stages: to item, to delta, to client", "target");
        // Overloaded levels build a backlog that only grows with time: a few seconds per level tell the story.
        var seconds = Math.Min(s.Seconds, 6);
        var runs = s.LiveFlushMs.SelectMany(f => s.LatencyRates.Select(r => (Flush: f, Rate: r, Clients: s.LatencyClients, FanOut: false, Moves: false))).ToList();
        // The fan-out case first: an overloaded level leaves a backlog in its silo that would land in the next run's figures.
        runs.Insert(0, (s.LiveFlushMs[0], s.FanOutRate, s.FanOutClients, true, false));
        // Moves of items on site with the product's gap only, last: their items are received (and drained) first, which
        // also absorbs what an overloaded level before them left behind.
        runs.InsertRange(runs.FindLastIndex(r => r.Flush == s.LiveFlushMs[0]) + 1, s.LatencyMoveRates.Select(r => (s.LiveFlushMs[0], r, s.LatencyClients, false, true)));
        var gcNotes = new List<string>();
        var warmUps = new List<string>();
        var settlings = new List<string>();
        var (warmUpRounds, warmUpMessages) = s.Quick ? (1, 500) : (MaxWarmUpRounds, WarmUpMessages);
        foreach (var group in runs.GroupBy(r => r.Flush))
        {
            var overrides = new Dictionary<string, string> { ["Tracking:Live:FlushInterval"] = TimeSpan.FromMilliseconds(group.Key).ToString("c", CultureInfo.InvariantCulture) };
            await using var db = s.LatencyOnPostgres ? await BenchDatabase.CreateAsync(s.PostgresAdmin, "latency") : null;
            await using var silo = await BenchSilo.StartAsync(s, db?.ConnectionString, overrides);
            // The rate levels spread over every warehouse's inbound dock reader (a site's traffic, not one hot gate);
            // the fan-out case puts all its clients on one warehouse; the moves pass the dock and then the inspection gate.
            var streams = group.Select(r => (Run: r, Stream: RfidStream.Generate(
                context.Site, (int)(r.Rate * seconds), 1, r.Moves ? [DockGate, InspectionGate] : [DockGate], r.FanOut ? [FanOutWarehouse] : null))).ToList();
            // With moves to measure, the warm-up moves its items too, so that their path is compiled as well.
            string[] warmUpGates = group.Any(r => r.Moves) ? [DockGate, InspectionGate] : [DockGate];
            context.Say($"latency: announcing {streams.Sum(x => x.Stream.Tags.Count):N0} tags (window {group.Key} ms)");
            foreach (var (_, stream) in streams)
            {
                await RmaSeeder.SeedAsync(silo.Grains, stream.TagWarehouse);
            }

            await using var publishers = await DevicePublishers.ForScenarioAsync(s, streams.SelectMany(x => x.Stream.Readers).Select(r => r.ReaderId).Distinct(StringComparer.Ordinal));

            // A fresh silo, and a busy JIT: unwarmed, the levels compiled 1,800-9,900 methods each while they were timed.
            // Unmeasured rounds of new items, watched by clients, until the JIT has caught up (as in the ceiling and ingest).
            // The same clients watch every round: connecting a client builds a SignalR client and its own dependency
            // injection container, whose compiled resolvers would keep the JIT busy in every round.
            WarmUpOutcome warmUp;
            await using (var watchers = await LatencyClients.ConnectAsync(
                silo.BaseAddress, context.Site.Warehouses.Select(w => w.Code).ToList(), s.LatencyClients, []))
            {
                warmUp = await WarmUp.UntilJitQuietAsync(warmUpRounds, _ => WarmUpRoundAsync(context, silo, publishers, watchers, warmUpMessages, warmUpGates));
            }

            context.Say($"latency: {warmUp} (window {group.Key} ms)");
            warmUps.Add($"{group.Key} ms gap: {warmUp}");
            foreach (var (run, whole) in streams)
            {
                var stream = whole;
                if (run.Moves)
                {
                    // Not measured: every item is received at its dock and settles there before it is timed moving on.
                    var received = await ReceiveAsync(context, publishers, whole.AtGate(DockGate).ToMessages(silo.RfidTopicPrefix, 1), whole.Tags.Count);
                    result.Check(received >= whole.Tags.Count, $"only {received:N0} of {whole.Tags.Count:N0} items were received before they were to move at {run.Rate} msgs/s");
                    stream = whole.AtGate(InspectionGate);
                }

                var messages = stream.ToMessages(silo.RfidTopicPrefix, 1);
                await publishers.LoadAsync(messages);
                var watched = stream.Readers.Select(r => r.Warehouse).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                await using var clients = await LatencyClients.ConnectAsync(
                    silo.BaseAddress, watched, run.Clients, [.. messages.Select(m => m.Key!)], run.Moves ? ItemStatus.AwaitingInspection : ItemStatus.Received);
                var kind = run.Moves ? "item on site moving" : run.FanOut ? "new item, one warehouse" : "new item";
                // The clients just connected (and the previous level's just left): not measured until the JIT is done with that.
                var settling = await WarmUp.UntilJitSettledAsync(TimeSpan.FromSeconds(10));
                settlings.Add($"{run.Rate:N0} msgs/s ({kind}), {run.Clients} clients: {settling}");
                context.Say($"latency: {run.Rate:N0} msgs/s ({kind}) over {watched.Count} warehouse(s), window {run.Flush} ms, {run.Clients} clients (after {settling} while they connected)");
                using var lag = new EventLagListener();
                var gc = GcPauses.Start();
                var jit = JitActivity.Start();
                var (outcome, publishedAt) = await publishers.RunLoadedTimedAsync(run.Rate, TimeSpan.FromSeconds(seconds * 2));
                var clock = Stopwatch.StartNew();
                await Drain.UntilAsync(() => clients.Samples, outcome.Acked * run.Clients, clock, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
                var collections = gc.Stop(outcome.Acked) + "; " + jit.Stop();
                clients.Time(publishedAt);
                context.Say($"latency: {run.Rate:N0} msgs/s ({kind}): {collections}");
                gcNotes.Add($"{run.Rate:N0} msgs/s ({kind}), {run.Clients} clients, {run.Flush} ms gap: {collections}");
                var h = clients.Histogram;
                double Ms(double percentile) => h.TotalCount == 0 ? double.NaN : h.GetValueAtPercentile(percentile) / 1000.0;
                var target = run.Rate == 5000
                    ? $"p50 ≤ 5 ms: {ScenarioResult.Verdict(Ms(50) <= 5)}, p99 ≤ 25 ms: {ScenarioResult.Verdict(Ms(99) <= 25)}"
                    : run.FanOut ? "issue 5 (one warehouse): recorded" : "";
                result.Row(run.Rate, kind, $"{run.Flush} ms", run.Clients, outcome.Acked, h.TotalCount, Ms(50), Ms(90), Ms(99), h.TotalCount == 0 ? double.NaN : h.GetMaxValue() / 1000.0, Stages(clients, lag.Lag), target);
                result.Check(outcome.Failed == 0, $"{outcome.Failed} publishes failed at {run.Rate} msgs/s");
                result.Check(h.TotalCount > 0, $"no delta reached a client at {run.Rate} msgs/s (window {run.Flush} ms)");
                var figure = $"{run.Rate}_{run.Flush}_{run.Clients}" + (run.Moves ? "_moves" : "");
                result.Figures[$"p50_{figure}"] = Ms(50);
                result.Figures[$"p99_{figure}"] = Ms(99);
            }
        }

        result.Note((s.LatencyOnPostgres
                ? "PostgreSQL grain storage here, as a production silo has (--latency-on-postgresql): an item's change is committed, with its journal event, before its live event goes out. "
                : "Memory grain storage here (the latency of the live path itself; durable commits are measured in scenario 4; --latency-on-postgresql for a production silo's). ") +
            "The rate levels publish round-robin from the inbound dock readers of all 4 warehouses (*-GATE-IN) and every client watches all 4; " +
            "the fan-out case puts one reader (AMS1-GATE-IN) and all its clients on one warehouse. In these levels every message is one read of a tag arriving " +
            "for the first time, so every message becomes an item receipt and a new item state that stays in memory: the garbage collector's worst case " +
            "(the item grains are active before the level: their RMAs, created first, announced them). " +
            "In the 'item on site moving' levels every item was received at its warehouse's dock (published and drained before the level, not timed), " +
            "and every timed message is its read at the inspection gate (*-GATE-INSP), which moves it to inspection (InspectionStarted): the steady state of a site, " +
            "where most reads are of items already on it.");
        result.Note("A delta carries at most 50 item moves (WarehouseView.MovesPerDeltaLimit, the newest ones): when more than 50 arrive within one " +
            "delta gap the older moves are not in the delta (the zone counts are), so 'timed deliveries' is below published × clients and the timed ones lean towards the newest.");
        result.Note("Stages (first client's deliveries, wall clock of this process): to item = publish → item grain committed the change " +
            "(MQTT, bridge, gate grain, item receipt); to delta = commit → the forwarder flushed the delta (live stream, feed, batching window); " +
            "to client = flush → the client's callback (SignalR). 'stream' (inside 'to delta') = the event's timestamp → this silo's feed received it " +
            "(the silo's tracking.live.event_lag histogram, all events).");
        result.Note($"The devices publish {(s.PublishersInProcess ? "in this process" : "from a process of their own")}. " +
            "Garbage collections in this process (silo and SignalR clients" + (s.PublishersInProcess ? ", publishers" : "") + ") while each level ran and drained; a pause stops every stage in it at once: " +
            string.Join("; ", gcNotes) + ".");
        result.Note($"Each silo was warmed up before its levels with rounds of about {warmUpMessages:N0} messages at {WarmUpRate:N0} msgs/s (new items at the docks and, where moves are measured, " +
            $"their reads at inspection after them) watched by {s.LatencyClients} clients, not measured, " +
            $"until a round compiled fewer than {WarmUp.QuietMethods} methods (at most {warmUpRounds}): {string.Join("; ", warmUps)}. " +
            "Each level's clients connect (and the previous level's leave) before it, and tiered compilation recompiles that code in the background for a second or more: " +
            $"each level waited until the JIT had a quiet quarter of a second (at most 10 s): {string.Join("; ", settlings)}.");
        return result;
    }

    /// <summary>
    /// Items arriving at every warehouse's inbound dock (and then, with two gates, read at inspection), watched as a
    /// measured level is, and drained; nothing recorded. About <paramref name="count"/> messages whatever the gates.
    /// </summary>
    private static async Task WarmUpRoundAsync(BenchContext context, BenchSilo silo, IDevicePublishers publishers, LatencyClients watchers, int count, IReadOnlyList<string> gates)
    {
        var stream = RfidStream.Generate(context.Site, count / gates.Count, 1, gates);
        await RmaSeeder.SeedAsync(silo.Grains, stream.TagWarehouse);
        // Gate by gate: every item is received before it is read at the next gate, as in a measured level.
        await publishers.LoadAsync([.. gates.SelectMany(g => stream.AtGate(g).ToMessages(silo.RfidTopicPrefix, 1))]);
        await publishers.RunLoadedAsync(WarmUpRate, TimeSpan.FromSeconds(30));
        // Until the deltas stop coming: nothing here is timed, so there is no count to wait for.
        await Drain.UntilAsync(() => watchers.Deltas, long.MaxValue, Stopwatch.StartNew(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    /// <summary>Publishes the items' dock reads as fast as the broker takes them and waits until every item has its receipt.</summary>
    private static async Task<long> ReceiveAsync(BenchContext context, IDevicePublishers publishers, IReadOnlyList<OutgoingMessage> dockReads, int items)
    {
        using var metrics = new TrackingMetrics();
        await publishers.LoadAsync(dockReads);
        await publishers.RunLoadedAsync(0, TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        var (received, _) = await Drain.UntilAsync(() => metrics.Sum("tracking.items.events"), items, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));
        context.Say($"latency: {received:N0} of {items:N0} items received at their docks before they move (not timed)");
        return received;
    }

    private static string Stages(LatencyClients clients, HistogramBase toFeed)
    {
        static string Of(HistogramBase h) => h.TotalCount == 0
            ? "–"
            : string.Create(CultureInfo.InvariantCulture, $"{h.GetValueAtPercentile(50) / 1000.0:0.#}/{h.GetValueAtPercentile(99) / 1000.0:0.#}");
        return $"{Of(clients.ToCommit)}, {Of(clients.ToFlush)} (stream {Of(toFeed)}), {Of(clients.ToClient)}";
    }
}
