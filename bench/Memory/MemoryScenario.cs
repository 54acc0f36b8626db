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

        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var siloOnly = await management.GetTotalActivationCount();
        context.Say($"memory: registering {s.MemoryRegistered:N0} items");
        var registerClock = Stopwatch.StartNew();
        var (registered, _) = await DurableEventsScenario.RegisterAsync(silo.Grains, "mem", s.MemoryRegistered, 256, TimeSpan.FromHours(2));
        var registerSeconds = registerClock.Elapsed.TotalSeconds;
        var ids = Enumerable.Range(0, s.MemoryActive).Select(i => i).ToList();

        // Forget every activation: what stays is the silo itself.
        await DeactivateAllAsync(management, siloOnly + 2_000);
        var activeBefore = await management.GetTotalActivationCount();
        var empty = await SettledHeapAsync(context);

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

        var heapPerItem = (full.HeapBytes - empty.HeapBytes) / (double)s.MemoryActive;
        result.Row("items registered (stored in PostgreSQL)", registered, "1,000,000 in the issue" + (registered < 1_000_000 ? $" — scaled down to {registered:N0} (--memory-registered)" : ""));
        result.Row("items active (activated by reading them back)", s.MemoryActive, "100,000 in the issue");
        result.Row("activations added (Orleans' count)", active, "");
        result.Row("bench process: RSS / GC heap with no item active (MiB)", $"{empty.ResidentBytes / 1048576.0:0} / {empty.HeapBytes / 1048576.0:0}", "");
        result.Row("bench process: RSS / GC heap with the items active (MiB)", $"{full.ResidentBytes / 1048576.0:0} / {full.HeapBytes / 1048576.0:0}", "");
        // A heap that shrank while items were activated means the earlier activations were not all gone when the empty
        // heap was measured: no figure, and no verdict on one.
        var heapMeasured = heapPerItem > 0;
        result.Row("**GC heap per active item**", $"{heapPerItem / 1024:0.00} KiB", heapMeasured ? $"≤ 10 KiB: {ScenarioResult.Verdict(heapPerItem <= 10 * 1024)}" : "not measured: the heap shrank");
        result.Check(heapMeasured, "the GC heap shrank while items were activated: earlier activations were still being collected when the empty heap was measured");
        result.Row("registration rate (durable events/s, 256 callers)", registered / registerSeconds, "");
        await silo.DisposeAsync();

        // The RSS the operating system charges the real Silo executable: a fresh process on the same database, warmed
        // up, then the same number of items activated through the REST API. No registration garbage in this process.
        context.Say($"memory: activating {s.MemoryActive:N0} items in the Silo executable");
        var process = await MeasureSiloProcessAsync(s, db.ConnectionString, prefix, s.MemoryActive);
        result.Row("Silo executable: RSS after warm-up / with the items active (MiB)", $"{process.Before / 1048576.0:0} / {process.After / 1048576.0:0}", "");
        var processPerItem = (process.After - process.Before) / (double)s.MemoryActive;
        result.Row("**Silo executable: RSS per active item**", $"{processPerItem / 1024:0.00} KiB", $"≤ 10 KiB: {ScenarioResult.Verdict(processPerItem <= 10 * 1024)}");
        result.Figures["rss_per_item_process"] = processPerItem;
        result.Check(registered == s.MemoryRegistered, $"only {registered} of {s.MemoryRegistered} items registered");
        result.Note("Registered items cost no silo memory until used: their state is in PostgreSQL. 'Active' means an Orleans activation holding the item's state " +
            "(ReturnedItemGrain with its persistent state and grain context). GC heap: measured in the bench process (which registered the items) after forced, " +
            "compacting full collections. RSS: measured in a fresh Silo executable on the same database, because the bench process's RSS also holds the " +
            "registration's garbage, which the GC returns to the OS on its own schedule; the executable is warmed up with 1,000 other items first.");
        return result;
    }

    private static async Task<(long Before, long After)> MeasureSiloProcessAsync(BenchSettings s, string connectionString, string prefix, int active)
    {
        const int warmUp = 1000;
        using var process = SiloProcess.Start(SiloExecutable.Find(s.SiloAssembly), s, connectionString, []);
        if (await process.WaitReadyAsync(TimeSpan.FromSeconds(60)) is null)
        {
            throw new InvalidOperationException($"The Silo executable never became ready: {process.Tail(5)}");
        }

        using var http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloProcess.AdminKey);
        async Task ActivateAsync(int from, int count) => await Parallel.ForEachAsync(Enumerable.Range(from, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{i:D8}");
            using var response = await http.GetAsync(new Uri($"/api/items/{id}", UriKind.Relative), ct);
            response.EnsureSuccessStatusCode();
        });

        // Items beyond the active ones warm the code paths, connection pools and caches first.
        await ActivateAsync(active, Math.Min(warmUp, s.MemoryRegistered - active));
        await Task.Delay(3000);
        var before = process.ResidentBytes();
        await ActivateAsync(0, active);
        await Task.Delay(3000);
        return (before, process.ResidentBytes());
    }

    /// <summary>
    /// Deactivates the registration's activations and waits until they are gone (down to <paramref name="target"/>).
    /// Orleans' collection returns before a million deactivations have finished, and the call itself can time out on a
    /// slow machine, so the count is watched, and the collection asked for again every 30 s while it is above target.
    /// </summary>
    private static async Task DeactivateAllAsync(IManagementGrain management, int target)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(20);
        while (true)
        {
            try
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                // Still collecting: the count below tells when it is done.
            }

            for (var look = 0; look < 15; look++)
            {
                var count = await management.GetTotalActivationCount();
                if (count <= target)
                {
                    return;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{count:N0} activations left after 20 minutes of collection (target {target:N0}).");
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>
    /// The process's memory once the heap stops shrinking: deactivated activations leave the catalog's count before
    /// the runtime lets go of them (a million took minutes on a slow machine), so one measurement right after the
    /// count fell can still hold them. Measured every 5 s until two agree within 2%.
    /// </summary>
    private static async Task<ProcessMemory> SettledHeapAsync(BenchContext context)
    {
        var last = ProcessMemory.Measure();
        for (var look = 0; look < 60; look++)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            var now = ProcessMemory.Measure();
            if (now.HeapBytes >= last.HeapBytes * 0.98)
            {
                return now;
            }

            context.Say($"memory: heap still shrinking after deactivation ({last.HeapBytes / 1048576.0:0} → {now.HeapBytes / 1048576.0:0} MiB)");
            last = now;
        }

        return last;
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
