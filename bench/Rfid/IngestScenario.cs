using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Tracking.Bench.Ceiling;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.DeviceBridge.Mqtt;
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

    /// <summary>Warm-up streams at most: about 6 s each at the default sizes on a quiet machine.</summary>
    private const int MaxWarmUpRounds = 5;

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
        var runs = s.Quick ? 1 : RepeatedRuns.Count;
        // Single reads are measured several times (each with new tags) and the median run reported, like the ceiling.
        // Twice: at the stress density (an item change every ReadsPerTag reads), and at a gate that reads each tag
        // more often, as real portals do (hundreds of times a second), with as many reads and fewer tags.
        var singles = Enumerable.Range(0, runs).Select(_ => RfidStream.Generate(context.Site, tags, s.ReadsPerTag, Gates)).ToList();
        var denseTags = s.DenseTagsPerRun;
        var denses = s.RunsDenseStream
            ? Enumerable.Range(0, runs).Select(_ => RfidStream.Generate(context.Site, denseTags, s.DenseReadsPerTag, Gates)).ToList()
            : [];
        var single = singles[0];
        var batched = RfidStream.Generate(context.Site, tags, s.ReadsPerTag * (s.Quick ? 5 : 25), Gates);
        // A long-running silo has compiled its hot paths to optimised code; a fresh one spends the first seconds in the
        // JIT (perf put 15% of the process there during an unwarmed single-read run, 19% at 64 reads per tag after one
        // warm-up stream). Warm-up streams of other tags, not measured, until the JIT has caught up.
        var (warmUpRounds, warmUpTags) = s.Quick ? (1, Math.Max(1, tags / 4)) : (MaxWarmUpRounds, tags);
        context.Say($"ingest: announcing {(singles.Count + 1) * tags + (denses.Count * denseTags):N0} tags through RMAs");
        foreach (var stream in singles.Concat(denses).Append(batched))
        {
            await RmaSeeder.SeedAsync(silo.Grains, stream.TagWarehouse);
        }

        await using var publishers = await DevicePublishers.ForScenarioAsync(s, single.Readers.Select(r => r.ReaderId));
        var ceiling = context.Report?.Find("ceiling")?.Figures.GetValueOrDefault("msgs_per_s");
        var ceilingCpu = context.Report?.Find("ceiling")?.Figures.GetValueOrDefault("cpu_us_per_msg");

        var warmUp = await WarmUp.UntilJitQuietAsync(warmUpRounds, async _ =>
        {
            var stream = RfidStream.Generate(context.Site, warmUpTags, s.ReadsPerTag, Gates);
            await RmaSeeder.SeedAsync(silo.Grains, stream.TagWarehouse);
            await RunAsync(context, silo, publishers, stream, 1);
        });
        context.Say($"ingest: {warmUp}");
        var ones = new List<IngestRun>();
        foreach (var stream in singles)
        {
            ones.Add(await RunAsync(context, silo, publishers, stream, 1));
        }

        var denseRuns = new List<IngestRun>();
        foreach (var stream in denses)
        {
            denseRuns.Add(await RunAsync(context, silo, publishers, stream, 1));
        }

        var many = await RunAsync(context, silo, publishers, batched, s.BatchSize);
        var one = Singles(ones, s.ReadsPerTag, "");
        if (denseRuns.Count > 0)
        {
            var dense = Singles(denseRuns, s.DenseReadsPerTag, "_dense");
            result.Note($"The two single-read rows differ only in how often a gate reads each tag: every {s.ReadsPerTag}th read (stress) or every {s.DenseReadsPerTag}th read " +
                $"changes an item, and an item change costs far more than a read. Item changes/s: {one.ItemChangesPerSecond:N0} against {dense.ItemChangesPerSecond:N0}.");
        }

        Row(many, $"arrays of {s.BatchSize} reads", $"≥ 200,000 reads/s: {ScenarioResult.Verdict(many.ReadsPerSecond >= 200_000)}");
        result.Figures["batched_reads_per_s"] = many.ReadsPerSecond;
        result.Note($"CPU per read with arrays, µs: {many.Cpu.PerMessage(many.Landed)}.");
        result.Note($"{single.Readers.Count} readers (GATE-IN and GATE-INSP of 4 warehouses). Tags are announced by RMAs of 1–5 lines (a parcel's units reach the gate together); each tag is read " +
            $"{s.ReadsPerTag}× per gate in the stress single-read runs ({tags:N0} tags per run), " +
            (denses.Count > 0 ? $"{s.DenseReadsPerTag}× in the denser ones ({denseTags:N0} tags per run), " : "") +
            $"and {s.ReadsPerTag * (s.Quick ? 5 : 25)}× in the array run (strong on one antenna, weak on a neighbour).");
        result.Note("Reads/s = reads landed in gate grains (the bridge's `tracking.rfid.reads` counter, cross-checked with every gate's GateStatus.TotalReads) " +
            "divided by the time from the first publish until the last read landed. Item state changes = `tracking.items.events` (Received at the dock, InspectionStarted at the inspection gate), each stored in PostgreSQL and journaled.");
        result.Note($"Garbage collection and the JIT during each single-read run: {string.Join("; ", ones.Concat(denseRuns).Select(r => r.Collections))}; with arrays: {many.Collections}. A collection pauses the silo and the bridge at once" + (s.PublishersInProcess ? ", and the publishers with them." : "; the publishers, in their own process, go on."));
        result.Note($"Measured after {warmUp} of {warmUpTags:N0} other tags each (single reads, same silo; the ceiling warms up likewise): rounds until one compiles fewer than {WarmUp.QuietMethods} methods, " +
            $"at most {warmUpRounds}, so that the hot paths run JIT-optimised code as in a long-running silo. What the JIT compiled during each measured run is in the note on garbage collection.");
        result.Note($"The publishers run {publishers.Describe}, on the same 2 cores as Mosquitto, the silo and PostgreSQL.");
        return result;

        // The median run of a density as a row, its figures, and its CPU per read beside the ceiling's CPU per message.
        IngestRun Singles(List<IngestRun> set, int readsPerTag, string suffix)
        {
            var median = RepeatedRuns.Median(set, r => r.ReadsPerSecond);
            var name = $"single-read messages, {readsPerTag} reads per tag per gate" + (set.Count > 1 ? $" (median of {set.Count} runs)" : "");
            foreach (var run in set.Where(r => !ReferenceEquals(r, median)))
            {
                Check(run, $"{name}, other run");
            }

            Row(median, name, ceiling is > 0
                ? $"≥ 80% of the ceiling ({0.8 * ceiling.Value:N0}/s): {ScenarioResult.Verdict(median.ReadsPerSecond >= 0.8 * ceiling.Value)} ({100 * median.ReadsPerSecond / ceiling.Value:0}%)"
                : "≥ 80% of the bare ceiling");
            result.Figures["single_reads_per_s" + suffix] = median.ReadsPerSecond;
            result.Figures["single_item_changes_per_s" + suffix] = median.ItemChangesPerSecond;
            var cpuPerRead = CeilingScenario.Median(set.Select(r => r.Cpu.MachinePerMessage(r.Landed)).ToList());
            result.Figures["single_cpu_us_per_read" + suffix] = cpuPerRead;
            if (set.Count > 1)
            {
                result.Note($"Single-read runs at {readsPerTag} reads per tag per gate, reads/s: {string.Join(" / ", set.Select(r => r.ReadsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} (the median is in the table; the ceiling is the median of its runs too).");
            }

            result.Note($"CPU per read at {readsPerTag} reads per tag per gate, each run, µs: {string.Join("; ", set.Select(r => r.Cpu.PerMessage(r.Landed)))}. " +
                "Busy time of both cores over the run divided by the reads landed, and the processes' shares of it (read from /proc)." +
                (ceilingCpu is > 0 && !double.IsNaN(cpuPerRead)
                    ? $" The ceiling's message costs the machine {ceilingCpu:0.0} µs and such a read {cpuPerRead:0.0} µs (medians): on a saturated machine that ratio, {100 * ceilingCpu / cpuPerRead:0}%, is what these reads can reach of the ceiling's rate."
                    : ""));
            return median;
        }

        void Check(IngestRun run, string name)
        {
            result.Check(run.Published == run.Landed, $"{name}: {run.Published - run.Landed} acknowledged reads never reached a gate grain");
            result.Check(run.ItemChanges >= run.ExpectedArrivals, $"{name}: only {run.ItemChanges} item changes for {run.ExpectedArrivals} tag arrivals");
        }

        void Row(IngestRun run, string name, string target)
        {
            result.Row(name, run.Published, run.Landed, run.Published - run.Landed, run.ReadsPerSecond, run.ItemChanges, run.ItemChangesPerSecond, target);
            Check(run, name);
        }
    }

    private static async Task<IngestRun> RunAsync(BenchContext context, BenchSilo silo, IDevicePublishers publishers, RfidStream stream, int readsPerMessage)
    {
        var messages = stream.ToMessages(silo.RfidTopicPrefix, readsPerMessage);
        await publishers.LoadAsync(messages);
        var before = await TotalReadsAsync(silo, stream);
        using var metrics = new TrackingMetrics();
        using var streamCache = new StreamCacheMeter();
        context.Say($"ingest: publishing {stream.Reads.Count:N0} reads in {messages.Count:N0} messages ({readsPerMessage} per message)");
        Heap.Settle();
        var gc = GcPauses.Start();
        var jit = JitActivity.Start();
        var bridge = silo.Services.GetRequiredService<MqttBridgeClient>();
        // In process: taken in by the bridge and not yet in the items (its window); unacknowledged: also waiting for an
        // earlier message's acknowledgement to go first.
        using var pool = ThreadPoolWatch.Start(
            ("device messages in process", () => bridge.InProcess),
            ("unacknowledged", () => bridge.Unacknowledged));
        var cpu = await CpuMeter.StartAsync(context.Settings.PostgresAdmin, context.Settings.MqttPort, publishers.ProcessId);
        var clock = Stopwatch.StartNew();
        var outcome = await publishers.RunLoadedAsync(0, TimeSpan.FromSeconds(context.Settings.Seconds * 3));
        var (_, readsDone) = await Drain.UntilAsync(() => metrics.Sum("tracking.rfid.reads"), outcome.ReadsAcked, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));

        // Every tag that passed a gate changes its item once per gate (Received, then InspectionStarted).
        var arrivals = stream.Tags.Count * Gates.Length;
        var (changes, changesDone) = await Drain.UntilAsync(() => metrics.Sum("tracking.items.events"), arrivals, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120));
        var cpuTimes = cpu.Stop();
        var collections = gc.Stop(outcome.ReadsAcked, "read") + "; " + jit.Stop() + "; " + pool.Stop() + "; " + streamCache.Describe();
        var landed = await TotalReadsAsync(silo, stream) - before;
        // Every batch a gate accepts adds its reads once: the number of additions is the number of batches.
        var batches = metrics.Count("tracking.rfid.reads");
        // One slow item observation holds every device's acknowledgements (the bridge acknowledges in arrival order).
        var slowest = metrics.Max("tracking.rfid.observation_duration");
        // Rounds the bridge's lane went on without a device still busy with its batch (decision 0008).
        var late = metrics.Sum("tracking.devices.late_rounds");
        context.Say($"ingest: {readsPerMessage} per message: {landed / Math.Max(0.001, readsDone.TotalSeconds):N0} reads/s, {batches:N0} gate batches ({landed / (double)Math.Max(1, batches):0.0} reads each), {late:N0} late rounds, slowest item observation {slowest:N0} ms; CPU per read, µs: {cpuTimes.PerMessage(landed)}; {collections}");
        return new IngestRun(outcome.ReadsAcked, landed, landed / Math.Max(0.001, readsDone.TotalSeconds), changes, changes / Math.Max(0.001, changesDone.TotalSeconds), arrivals, collections, cpuTimes);
    }

    private static async Task<long> TotalReadsAsync(BenchSilo silo, RfidStream stream)
    {
        var statuses = await Task.WhenAll(stream.Readers.Select(r => silo.Grains.GetGrain<IRfidGateGrain>(r.ReaderId).GetStatusAsync()));
        return statuses.Sum(st => st.TotalReads);
    }

    private sealed record IngestRun(long Published, long Landed, double ReadsPerSecond, long ItemChanges, double ItemChangesPerSecond, long ExpectedArrivals, string Collections, CpuTimes Cpu);
}
