using System.Diagnostics;
using Tracking.Bench.Ceiling;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Grains.Interfaces.Devices;

namespace Tracking.Bench.Rfid;

/// <summary>
/// (2) RFID ingest through the real device bridge: Zebra-format reads from the inbound-dock and inspection gates of all
/// four warehouses, published QoS 1 to Mosquitto, parsed and batched by the bridge, deduplicated by the gate grains,
/// changes applied to item grains with durable state (PostgreSQL). Once with one read per message, once with arrays.
/// </summary>
public sealed class IngestScenario : IScenario
{
    private static readonly string[] Gates = ["GATE-IN", "GATE-INSP"];

    public string Name => "ingest";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "2. RFID ingest through the device bridge (Zebra format, QoS 1, item state on PostgreSQL)",
            "run", "reads published", "reads landed in gate grains", "lost", "**reads/s landed**", "item state changes", "item changes/s", "target");
        await using var db = await BenchDatabase.CreateAsync(s.PostgresAdmin, "ingest");
        await using var silo = await BenchSilo.StartAsync(s, db.ConnectionString);

        // Sizes: enough tags for the measured seconds at the expected rates; arrays carry many more reads per tag,
        // as a portal sees a tag many times while it passes.
        var tags = s.TagsPerRun;
        // Single reads are measured several times (each with new tags) and the median run reported, like the ceiling.
        var singles = Enumerable.Range(0, s.Quick ? 1 : RepeatedRuns.Count)
            .Select(_ => RfidStream.Generate(context.Site, tags, s.ReadsPerTag, Gates)).ToList();
        var single = singles[0];
        var batched = RfidStream.Generate(context.Site, tags, s.ReadsPerTag * (s.Quick ? 5 : 25), Gates);
        // A long-running silo has compiled its hot paths to optimised code; a fresh one spends the first seconds in the
        // JIT (perf put 15% of the process there during an unwarmed single-read run). A quarter-size stream first, not measured.
        var warmUp = RfidStream.Generate(context.Site, s.Quick ? Math.Max(1, tags / 4) : tags, s.ReadsPerTag, Gates);
        context.Say($"ingest: announcing {(singles.Count + 1) * tags + warmUp.Tags.Count:N0} tags through RMAs");
        foreach (var stream in singles)
        {
            await RmaSeeder.SeedAsync(silo.Grains, stream.TagWarehouse);
        }

        await RmaSeeder.SeedAsync(silo.Grains, batched.TagWarehouse);
        await RmaSeeder.SeedAsync(silo.Grains, warmUp.TagWarehouse);

        await using var publishers = await DevicePublishers.ForScenarioAsync(s, single.Readers.Select(r => r.ReaderId));
        var ceiling = context.Report?.Find("ceiling")?.Figures.GetValueOrDefault("msgs_per_s");

        await RunAsync(context, silo, publishers, warmUp, 1);
        var ones = new List<IngestRun>();
        foreach (var stream in singles)
        {
            ones.Add(await RunAsync(context, silo, publishers, stream, 1));
        }

        var one = RepeatedRuns.Median(ones, r => r.ReadsPerSecond);
        var many = await RunAsync(context, silo, publishers, batched, s.BatchSize);
        foreach (var run in ones.Where(r => !ReferenceEquals(r, one)))
        {
            result.Check(run.Published == run.Landed, $"single-read messages (other run): {run.Published - run.Landed} acknowledged reads never reached a gate grain");
            result.Check(run.ItemChanges >= run.ExpectedArrivals, $"single-read messages (other run): only {run.ItemChanges} item changes for {run.ExpectedArrivals} tag arrivals");
        }

        Row(one, ones.Count > 1 ? $"single-read messages (median of {ones.Count} runs)" : "single-read messages", ceiling is > 0 ? $"≥ 80% of the ceiling ({0.8 * ceiling.Value:N0}/s): {ScenarioResult.Verdict(one.ReadsPerSecond >= 0.8 * ceiling.Value)} ({100 * one.ReadsPerSecond / ceiling.Value:0}%)" : "≥ 80% of the bare ceiling");
        Row(many, $"arrays of {s.BatchSize} reads", $"≥ 200,000 reads/s: {ScenarioResult.Verdict(many.ReadsPerSecond >= 200_000)}");
        result.Figures["single_reads_per_s"] = one.ReadsPerSecond;
        result.Figures["batched_reads_per_s"] = many.ReadsPerSecond;
        result.Figures["single_item_changes_per_s"] = one.ItemChangesPerSecond;
        var cpuPerRead = CeilingScenario.Median(ones.Select(r => r.Cpu.MachinePerMessage(r.Landed)).ToList());
        result.Figures["single_cpu_us_per_read"] = cpuPerRead;
        var ceilingCpu = context.Report?.Find("ceiling")?.Figures.GetValueOrDefault("cpu_us_per_msg");
        result.Note($"CPU per read of each single-read run, µs: {string.Join("; ", ones.Select(r => r.Cpu.PerMessage(r.Landed)))}; with arrays: {many.Cpu.PerMessage(many.Landed)}. " +
            "Busy time of both cores over the run divided by the reads landed, and the processes' shares of it (read from /proc)." +
            (ceilingCpu is > 0 && !double.IsNaN(cpuPerRead)
                ? $" The ceiling's message costs the machine {ceilingCpu:0.0} µs and a single read {cpuPerRead:0.0} µs (medians): on a saturated machine that ratio, {100 * ceilingCpu / cpuPerRead:0}%, is what single reads can reach of the ceiling's rate."
                : ""));
        result.Note($"{single.Readers.Count} readers (GATE-IN and GATE-INSP of 4 warehouses), {tags:N0} tags per run announced by RMAs of 1–5 lines (a parcel's units reach the gate together), each tag read " +
            $"{s.ReadsPerTag}× per gate in the single-read run and {s.ReadsPerTag * (s.Quick ? 5 : 25)}× in the array run (strong on one antenna, weak on a neighbour).");
        result.Note("Reads/s = reads landed in gate grains (the bridge's `tracking.rfid.reads` counter, cross-checked with every gate's GateStatus.TotalReads) " +
            "divided by the time from the first publish until the last read landed. Item state changes = `tracking.items.events` (Received at the dock, InspectionStarted at the inspection gate), each stored in PostgreSQL and journaled.");
        if (ones.Count > 1)
        {
            result.Note($"Single-read runs, reads/s: {string.Join(" / ", ones.Select(r => r.ReadsPerSecond.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} (the median is in the table; the ceiling is the median of its runs too).");
        }

        result.Note($"Garbage collection during each single-read run: {string.Join("; ", ones.Select(r => r.Collections))}; with arrays: {many.Collections}. A collection pauses the silo and the bridge at once" + (s.PublishersInProcess ? ", and the publishers with them." : "; the publishers, in their own process, go on."));
        result.Note($"Measured after a warm-up stream of {warmUp.Tags.Count:N0} other tags (single reads, same silo; the ceiling warms up likewise), so that the hot paths run JIT-optimised code as in a long-running silo.");
        result.Note($"The publishers run {publishers.Describe}, on the same 2 cores as Mosquitto, the silo and PostgreSQL.");
        return result;

        void Row(IngestRun run, string name, string target)
        {
            result.Row(name, run.Published, run.Landed, run.Published - run.Landed, run.ReadsPerSecond, run.ItemChanges, run.ItemChangesPerSecond, target);
            result.Check(run.Published == run.Landed, $"{name}: {run.Published - run.Landed} acknowledged reads never reached a gate grain");
            result.Check(run.ItemChanges >= run.ExpectedArrivals, $"{name}: only {run.ItemChanges} item changes for {run.ExpectedArrivals} tag arrivals");
        }
    }

    private static async Task<IngestRun> RunAsync(BenchContext context, BenchSilo silo, IDevicePublishers publishers, RfidStream stream, int readsPerMessage)
    {
        var messages = stream.ToMessages(silo.RfidTopicPrefix, readsPerMessage);
        await publishers.LoadAsync(messages);
        var before = await TotalReadsAsync(silo, stream);
        using var metrics = new TrackingMetrics();
        context.Say($"ingest: publishing {stream.Reads.Count:N0} reads in {messages.Count:N0} messages ({readsPerMessage} per message)");
        Heap.Settle();
        var gc = GcPauses.Start();
        using var pool = ThreadPoolWatch.Start();
        var cpu = await CpuMeter.StartAsync(context.Settings.PostgresAdmin, context.Settings.MqttPort, publishers.ProcessId);
        var clock = Stopwatch.StartNew();
        var outcome = await publishers.RunLoadedAsync(0, TimeSpan.FromSeconds(context.Settings.Seconds * 3));
        var (_, readsDone) = await Drain.UntilAsync(() => metrics.Sum("tracking.rfid.reads"), outcome.ReadsAcked, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));

        // Every tag that passed a gate changes its item once per gate (Received, then InspectionStarted).
        var arrivals = stream.Tags.Count * Gates.Length;
        var (changes, changesDone) = await Drain.UntilAsync(() => metrics.Sum("tracking.items.events"), arrivals, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));
        var cpuTimes = cpu.Stop();
        var collections = gc.Stop() + "; " + pool.Stop();
        var landed = await TotalReadsAsync(silo, stream) - before;
        // Every batch a gate accepts adds its reads once: the number of additions is the number of batches.
        var batches = metrics.Count("tracking.rfid.reads");
        // One slow item observation holds every device's acknowledgements (the bridge acknowledges in arrival order).
        var slowest = metrics.Max("tracking.rfid.observation_duration");
        context.Say($"ingest: {readsPerMessage} per message: {landed / Math.Max(0.001, readsDone.TotalSeconds):N0} reads/s, {batches:N0} gate batches ({landed / (double)Math.Max(1, batches):0.0} reads each), slowest item observation {slowest:N0} ms; CPU per read, µs: {cpuTimes.PerMessage(landed)}; {collections}");
        return new IngestRun(outcome.ReadsAcked, landed, landed / Math.Max(0.001, readsDone.TotalSeconds), changes, changes / Math.Max(0.001, changesDone.TotalSeconds), arrivals, collections, cpuTimes);
    }

    private static async Task<long> TotalReadsAsync(BenchSilo silo, RfidStream stream)
    {
        var statuses = await Task.WhenAll(stream.Readers.Select(r => silo.Grains.GetGrain<IRfidGateGrain>(r.ReaderId).GetStatusAsync()));
        return statuses.Sum(st => st.TotalReads);
    }

    private sealed record IngestRun(long Published, long Landed, double ReadsPerSecond, long ItemChanges, double ItemChangesPerSecond, long ExpectedArrivals, string Collections, CpuTimes Cpu);
}
