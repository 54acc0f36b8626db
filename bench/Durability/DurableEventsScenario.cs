using System.Diagnostics;
using System.Globalization;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Bench.Durability;

/// <summary>
/// (4) Durable item events/s: many item grains change at once, every change stored (grain state) and appended to the
/// custody journal (group commit) on PostgreSQL before the call returns. Two kinds of event: the registration of a new
/// item (an RMA line announcing it: activation and read included) and the move of an item that is already active (the
/// conventional baseline's transaction). Afterwards the journal is counted: every acknowledged event must be there.
/// </summary>
public sealed class DurableEventsScenario : IScenario
{
    public string Name => "durable";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "4. Durable item events/s on PostgreSQL (grain state + custody journal, group commit)",
            "event", "grain-state provider", "callers in parallel", "events acknowledged", "events in the journal", "**events/s**", "CPU per event, µs: this process / PostgreSQL", "journal events per commit", "grain-state writes per statement", "target");
        var fsync = 0L;
        var collectionsByRow = new List<string>();
        // Side by side in one run: the Orleans ADO.NET provider (one transaction per grain write) and Tracking's batched one.
        foreach (var provider in new[] { "AdoNet", "Batched" })
        {
            await using var db = await BenchDatabase.CreateAsync(s.PostgresAdmin, $"durable{provider.ToLowerInvariant()}");
            await using var silo = await BenchSilo.StartAsync(s, db.ConnectionString, new Dictionary<string, string> { ["Tracking:Storage:GrainState"] = provider });
            fsync = await db.CountAsync("SELECT CASE WHEN current_setting('fsync') = 'on' THEN 1 ELSE 0 END");
            // Warm-up at full load, not measured: the hot paths get JIT-optimised as in a long-running silo.
            await RegisterAsync(silo.Grains, "warm", int.MaxValue, 256, TimeSpan.FromSeconds(s.Quick ? 1 : 3));

            foreach (var parallel in s.Quick ? [64] : new[] { 64, 256 })
            {
                await MeasureAsync("registration (new item)", "", provider, parallel, () => RegisterAsync(silo.Grains, $"p{parallel}", int.MaxValue, parallel, context.Measured));
            }

            // The conventional baseline's transaction is a move of a row that exists; the like event here is a move of an
            // item that is already active, without the activation and the read a new item costs.
            await MoveAsync(await ReceiveForMoversAsync(silo.Grains, "warm", 256), TimeSpan.FromSeconds(s.Quick ? 1 : 3));
            foreach (var parallel in s.Quick ? [64] : new[] { 64, 256 })
            {
                var movers = await ReceiveForMoversAsync(silo.Grains, $"m{parallel}", parallel);
                await MeasureAsync("move (active item)", "_moves", provider, parallel, () => MoveAsync(movers, context.Measured));
            }

            async Task MeasureAsync(string kind, string suffix, string provider, int parallel, Func<Task<(long Acknowledged, TimeSpan Elapsed)>> run)
            {
                using var metrics = new TrackingMetrics();
                context.Say($"durable: measuring {kind}, {provider} provider, {parallel} callers");
                var before = await db.CountAsync("SELECT count(*) FROM item_journal");
                var gc = GcPauses.Start();
                var cpu = await CpuMeter.StartAsync(s.PostgresAdmin);
                var (acknowledged, elapsed) = await run();
                var cpuTimes = cpu.Stop();
                var collections = gc.Stop(acknowledged, "event");
                var (processCpu, postgresCpu) = (cpuTimes.Process, cpuTimes.Postgres);
                var stored = await db.CountAsync("SELECT count(*) FROM item_journal") - before;
                var perCommit = metrics.Count("tracking.journal.batch_size") is > 0 and var commits ? (double)metrics.Sum("tracking.journal.batch_size") / commits : double.NaN;
                var perStatement = metrics.Count("tracking.grain_storage.batch_size") is > 0 and var statements ? (double)metrics.Sum("tracking.grain_storage.batch_size") / statements : double.NaN;
                var rate = acknowledged / elapsed.TotalSeconds;
                var perEvent = string.Create(CultureInfo.InvariantCulture,
                    $"{PerEvent(processCpu):0} / {(postgresCpu is { } pg ? PerEvent(pg).ToString("0", CultureInfo.InvariantCulture) : "not measured")}");
                result.Row(kind, provider, parallel, acknowledged, stored, rate, perEvent, perCommit, provider == "Batched" ? perStatement : 1.0, $"≥ 10,000/s: {ScenarioResult.Verdict(rate >= 10_000)}");
                context.Say($"durable: {kind}, {provider} provider, {parallel} callers: {rate:N0} events/s; {collections}");
                collectionsByRow.Add($"{kind}, {provider} provider, {parallel} callers: {collections}.");
                result.Check(stored >= acknowledged, $"{acknowledged - stored} acknowledged events are missing from the journal ({kind}, {provider})");
                var key = (provider == "Batched" ? "events_per_s" : "events_per_s_adonet") + suffix;
                result.Figures[key] = Math.Max(result.Figures.GetValueOrDefault(key), rate);

                double PerEvent(TimeSpan time) => acknowledged == 0 ? double.NaN : time.TotalMicroseconds / acknowledged;
            }
        }

        result.Note($"PostgreSQL fsync is {(fsync == 1 ? "ON" : "OFF (figures overstate durability cost savings)")}. A registration is one `ExpectAsync` on a new item grain: " +
            "the grain reads its (absent) state, writes its state and its event, and returns once both are durable. With the ADO.NET provider every grain write " +
            "is its own transaction, and the grain then appends the event to the custody journal, whose single writer commits whatever has gathered in one " +
            "INSERT … unnest (group commit; 'journal events per commit'). The batched provider (the default, docs/decisions/0009) stores all writes that " +
            "gathered in one statement, each item's event in the same statement (decision 0002, so no journal commits of its own: '–'), and reads likewise " +
            "('grain-state writes per statement' averages reads and writes). A move is one `CompleteMoveAsync` of an item that is already active (received at the " +
            $"{MoveWarehouse} dock beforehand, {ItemsPerMover} items per caller), between two dock doors in turn: state written, event journaled, both location " +
            "projections and the live map told. No read and no activation, as in a silo whose items are already in memory; it is the event that the conventional " +
            "baseline's transaction (scenario 6) does. " +
            "CPU per event is CPU time over the measured span divided by the events acknowledged: this process holds the callers and the silo; " +
            "PostgreSQL's is its postmaster's and all its backends' (read from /proc). On a shared machine it varies less than events/s, " +
            "so compare variants by it, at 256 callers: idle thread-pool threads spin before they sleep, and at 64 callers that spinning inflates this process's figure. " +
            "The notes after this one give each row's garbage collections in this process (silo and callers alike) over the measured span.");
        collectionsByRow.ForEach(result.Note);
        return result;
    }

    private const string MoveWarehouse = "AMS1";
    private const int ItemsPerMover = 4;
    private static readonly string[] Doors = ["DOCK-IN-01", "DOCK-IN-02"];
    private static readonly Actor Mover = Actor.User("bench-mover");

    /// <summary>Receives <see cref="ItemsPerMover"/> new items for each of <paramref name="parallel"/> callers at the first dock door.</summary>
    public static async Task<IReturnedItemGrain[][]> ReceiveForMoversAsync(IGrainFactory grains, string prefix, int parallel)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var run = Guid.NewGuid().ToString("N")[..8];
        var items = Enumerable.Range(0, parallel)
            .Select(caller => Enumerable.Range(0, ItemsPerMover)
                .Select(i => grains.GetGrain<IReturnedItemGrain>(string.Create(CultureInfo.InvariantCulture, $"LP-{prefix}-{run}-{caller:D4}-{i}")))
                .ToArray())
            .ToArray();
        await Parallel.ForEachAsync(items.SelectMany(i => i), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (item, _) =>
            await item.ReceiveAsync(new ReceiveItem(MoveWarehouse, Doors[0], Mover, null, "SKU-BENCH")));
        return items;
    }

    /// <summary>Each caller moves its own items between the two dock doors in turn until <paramref name="limit"/>; returns the moves acknowledged.</summary>
    public static async Task<(long Acknowledged, TimeSpan Elapsed)> MoveAsync(IReturnedItemGrain[][] items, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(items);
        long done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(items.Select(async own =>
        {
            for (var round = 1; clock.Elapsed < limit; round++)
            {
                foreach (var item in own)
                {
                    await item.CompleteMoveAsync(new CompleteMove(MoveWarehouse, Doors[round % 2], Mover));
                    Interlocked.Increment(ref done);
                }
            }
        }));
        return (done, clock.Elapsed);
    }

    /// <summary>Registers new items from <paramref name="parallel"/> callers until <paramref name="count"/> or <paramref name="limit"/>.</summary>
    public static async Task<(long Acknowledged, TimeSpan Elapsed)> RegisterAsync(IGrainFactory grains, string prefix, int count, int parallel, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var run = Guid.NewGuid().ToString("N")[..8];
        long next = -1, done = 0;
        var clock = Stopwatch.StartNew();
        var callers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (clock.Elapsed < limit)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count)
                {
                    return;
                }

                var id = string.Create(CultureInfo.InvariantCulture, $"LP-{prefix}-{run}-{i:D8}");
                await grains.Reference<IReturnedItemGrain>(id).ExpectAsync($"RMA-{run}-{i / 20}", "SKU-BENCH", ReasonCodes.NotWanted, "Web", "AMS1", 0);
                Interlocked.Increment(ref done);
            }
        });
        await Task.WhenAll(callers);
        return (done, clock.Elapsed);
    }
}
