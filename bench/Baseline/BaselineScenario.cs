using System.Diagnostics;
using Npgsql;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Bench.Rfid;

namespace Tracking.Bench.Baseline;

/// <summary>
/// (6) The conventional way, same machine, same run: the same kind of RFID stream as scenario 2 (same readers, tags,
/// reads per tag), each read one SQL transaction through Npgsql on the same PostgreSQL. Reported beside the actor
/// pipeline's figures as ratios.
/// </summary>
public sealed class BaselineScenario : IScenario
{
    public string Name => "baseline";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "6. Conventional baseline: one SQL transaction per read (Npgsql, same PostgreSQL)",
            "figure", "value", "actor pipeline (this run)", "ratio", "target");
        await using var db = await BenchDatabase.CreateAsync(s.PostgresAdmin, "baseline");
        var tags = s.TagsPerRun;
        var stream = RfidStream.Generate(context.Site, tags, s.ReadsPerTag, ["GATE-IN", "GATE-INSP"]);
        var locations = context.Site.Warehouses
            .SelectMany(w => w.Layout.Readers.SelectMany(r => r.Antennas.Select(a => (Key: (r.ReaderId, a.Port), a.Location))))
            .ToDictionary(x => x.Key, x => x.Location);

        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await using (var create = dataSource.CreateCommand(ConventionalSchema.Create))
        {
            await create.ExecuteNonQueryAsync();
        }

        // The items are announced up front, as the RMAs announce them to the actor pipeline.
        await using (var import = await dataSource.OpenConnectionAsync())
        await using (var writer = await import.BeginBinaryImportAsync("COPY items (epc, warehouse, status) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var tag in stream.Tags)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(tag);
                await writer.WriteAsync(stream.TagWarehouse[tag]);
                await writer.WriteAsync("Expected");
            }

            await writer.CompleteAsync();
        }

        var processor = new ConventionalProcessor(dataSource, locations);
        const int workers = 32;
        context.Say($"baseline: {stream.Reads.Count:N0} reads, {workers} workers, one transaction each");
        var partitions = stream.Reads
            .GroupBy(r => (uint)StringComparer.Ordinal.GetHashCode(r.Read.Epc) % workers)
            .Select(g => g.ToList())
            .ToList();
        long processed = 0, changes = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(partitions.Select(async partition =>
        {
            foreach (var (reader, read) in partition)
            {
                if (clock.Elapsed > context.Measured)
                {
                    return;
                }

                if (await processor.ProcessAsync(reader, read))
                {
                    Interlocked.Increment(ref changes);
                }

                Interlocked.Increment(ref processed);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var baseline = processed / seconds;
        var stored = await db.CountAsync("SELECT coalesce(sum(read_count), 0) FROM items");
        result.Check(stored == processed, $"{processed} reads committed but the items table counts {stored}");

        var ingest = context.Report?.Find("ingest");
        var durable = context.Report?.Find("durable");
        var single = ingest?.Figures.GetValueOrDefault("single_reads_per_s");
        var dense = ingest?.Figures.GetValueOrDefault("single_reads_per_s_dense");
        var batched = ingest?.Figures.GetValueOrDefault("batched_reads_per_s");
        var events = durable?.Figures.GetValueOrDefault("events_per_s");
        var moves = durable?.Figures.GetValueOrDefault("events_per_s_moves");
        var changeRate = changes / seconds;
        result.Row("reads processed (one transaction each)", processed, "", "", "");
        result.Row("**reads/s**", baseline, single is > 0 ? $"{single:N0} reads/s (single-read messages)" : "–", Ratio(single), $"≥ 10×: {Verdict(single)}");
        if (dense is > 0)
        {
            // The baseline's cost per read does not depend on how often a tag is read: every read is its own transaction.
            result.Row("reads/s vs single reads, denser gate", baseline, $"{dense:N0} reads/s (single-read messages, {s.DenseReadsPerTag} reads per tag per gate)", Ratio(dense), $"≥ 10×: {Verdict(dense)}");
        }

        result.Row("reads/s vs arrays of reads", baseline, batched is > 0 ? $"{batched:N0} reads/s (arrays)" : "–", Ratio(batched), $"≥ 10×: {Verdict(batched)}");
        result.Row("item changes/s (location or status changed)", changeRate, moves is > 0 ? $"{moves:N0} durable moves of active items/s (scenario 4)" : "–",
            ChangeRatio(moves), $"≥ 10×: {ChangeVerdict(moves)}");
        result.Row("item changes/s vs new items", changeRate, events is > 0 ? $"{events:N0} durable registrations of new items/s (scenario 4)" : "–",
            ChangeRatio(events), "");
        result.Figures["reads_per_s"] = baseline;
        result.Note($"{workers} workers, each owning the reads of a share of the tags (a tag's reads stay in order), {tags:N0} tags, {s.ReadsPerTag} reads per tag per gate; " +
            "each read: BEGIN; SELECT … FOR UPDATE; UPDATE items; INSERT history when the location changed; COMMIT. Reads go straight from memory to SQL (no MQTT, no parsing), " +
            "which favours the baseline. Every read moves the row (no deduplication): that is what the conventional design does.");
        return result;

        string Ratio(double? actor) => actor is > 0 ? $"{actor / baseline:0.0}×" : "–";
        string ChangeRatio(double? actor) => actor is > 0 && changeRate > 0 ? $"{actor / changeRate:0.0}×" : "–";
        string ChangeVerdict(double? actor) => actor is > 0 && changeRate > 0 ? ScenarioResult.Verdict(actor / changeRate >= 10) : "–";
        string Verdict(double? actor) => actor is > 0 ? ScenarioResult.Verdict(actor / baseline >= 10) : "–";
    }
}
