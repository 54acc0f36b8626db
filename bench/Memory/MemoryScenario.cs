using System.Diagnostics;
using System.Globalization;
using Tracking.Bench.Durability;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Bench.Memory;

/// <summary>
/// (5) Memory per active item: items are registered (stored in PostgreSQL), every activation is then collected, and a
/// subset is activated again by reading it. The growth of the resident set and of the managed heap, divided by the
/// number of active items, is the cost of keeping an item live in a silo.
/// </summary>
public sealed class MemoryScenario : IScenario
{
    public string Name => "memory";

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "5. Memory per active item", "figure", "value", "target");
        await using var db = await BenchDatabase.CreateAsync(s.PostgresAdmin, "memory");
        await using var silo = await BenchSilo.StartAsync(s, db.ConnectionString);

        context.Say($"memory: registering {s.MemoryRegistered:N0} items");
        var registerClock = Stopwatch.StartNew();
        var (registered, _) = await DurableEventsScenario.RegisterAsync(silo.Grains, "mem", s.MemoryRegistered, 256, TimeSpan.FromHours(2));
        var registerSeconds = registerClock.Elapsed.TotalSeconds;
        var ids = Enumerable.Range(0, s.MemoryActive).Select(i => i).ToList();

        // Forget every activation: what stays is the silo itself.
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Task.Delay(2000);
        var activeBefore = await management.GetTotalActivationCount();
        var empty = ProcessMemory.Measure();

        context.Say($"memory: activating {s.MemoryActive:N0} of them");
        var prefix = await FirstPrefixAsync(db);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 128 }, async (i, _) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D8}");
            var item = await silo.Grains.GetGrain<IReturnedItemGrain>(id).GetAsync();
            if (item is null)
            {
                throw new InvalidOperationException($"Item {id} was registered but is not stored.");
            }
        });
        var activeAfter = await management.GetTotalActivationCount();
        var full = ProcessMemory.Measure();
        var active = activeAfter - activeBefore;

        var rssPerItem = (full.ResidentBytes - empty.ResidentBytes) / (double)s.MemoryActive;
        var heapPerItem = (full.HeapBytes - empty.HeapBytes) / (double)s.MemoryActive;
        result.Row("items registered (stored in PostgreSQL)", registered, "1,000,000 in the issue" + (registered < 1_000_000 ? $" — scaled down to {registered:N0} (--memory-registered)" : ""));
        result.Row("items active (activated by reading them back)", s.MemoryActive, "100,000 in the issue");
        result.Row("activations added (Orleans' count)", active, "");
        result.Row("RSS / GC heap with no item active (MiB)", $"{empty.ResidentBytes / 1048576.0:0} / {empty.HeapBytes / 1048576.0:0}", "");
        result.Row("RSS / GC heap with the items active (MiB)", $"{full.ResidentBytes / 1048576.0:0} / {full.HeapBytes / 1048576.0:0}", "");
        // The GC hands memory back to the OS on its own schedule: a shrinking RSS says nothing about the items.
        result.Row("**RSS per active item**", $"{rssPerItem / 1024:0.00} KiB",
            rssPerItem > 0 ? $"≤ 10 KiB: {ScenarioResult.Verdict(rssPerItem <= 10 * 1024)}" : "not measurable this run: RSS fell while the GC returned registration garbage to the OS");
        result.Row("**GC heap per active item**", $"{heapPerItem / 1024:0.00} KiB", $"≤ 10 KiB: {ScenarioResult.Verdict(heapPerItem <= 10 * 1024)}");
        result.Row("registration rate (durable events/s, 256 callers)", registered / registerSeconds, "");
        result.Check(registered == s.MemoryRegistered, $"only {registered} of {s.MemoryRegistered} items registered");
        result.Note("Registered items cost no silo memory until used: their state is in PostgreSQL. 'Active' means an Orleans activation holding the item's state " +
            "(ReturnedItemGrain with its persistent state and grain context). Measured in the bench process after forced, compacting full collections; server GC, " +
            "so RSS also holds the GC's per-heap reserves and moves in coarse steps.");
        return result;
    }

    /// <summary>The registered ids share a prefix made by <see cref="DurableEventsScenario.RegisterAsync"/>; read it back from the journal.</summary>
    private static async Task<string> FirstPrefixAsync(BenchDatabase db)
    {
        await using var connection = new Npgsql.NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT item_id FROM item_journal WHERE item_id LIKE 'LP-mem-%' LIMIT 1", connection);
        var id = (string)(await cmd.ExecuteScalarAsync())!;
        return id[..^8];
    }
}
