using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Tracking.Bench.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>
/// A measured span reports what this process allocated and what its collections promoted within the span: objects
/// still referenced when a collection runs are promoted (copied), garbage is not.
/// </summary>
[Collection(nameof(QuickBenchCollection))]
public sealed partial class GcPausesTests
{
    private const int Arrays = 2_000;

    private const int ArrayBytes = 4_000;

    [Fact]
    public async Task Objects_that_survive_a_collection_count_as_promoted_and_garbage_does_not()
    {
        GcPromotions.EnsureStarted();

        // What the test host left in gen0 is promoted by the first collection: out of the way first.
        await CollectAsync(1);

        // Garbage: about 8 MB allocated, none of it alive at the collection.
        var garbage = GcPauses.Start();
        Allocate(keep: false);
        var (garbageAllocated, garbagePromoted) = await CollectAndStopAsync(garbage, Arrays);

        // Survivors: the same allocations, all still referenced when gen0 is collected.
        var survivors = GcPauses.Start();
        var kept = Allocate(keep: true);
        var (survivorsAllocated, survivorsPromoted) = await CollectAndStopAsync(survivors, Arrays);
        GC.KeepAlive(kept);

        // The allocation count is the runtime's cheap one (it lags by up to an allocation context) and the text rounds.
        var payload = ArrayBytes / 1024.0;
        Assert.InRange(garbageAllocated, payload * 0.9, payload * 2);
        Assert.InRange(survivorsAllocated, payload * 0.9, payload * 2);
        Assert.True(survivorsPromoted >= payload * 0.9, $"promoted {survivorsPromoted:0.00} KiB per array; each array is {payload:0.00} KiB and survived");
        Assert.True(garbagePromoted < payload * 0.5, $"promoted {garbagePromoted:0.00} KiB per array of garbage");
    }

    [Fact]
    public async Task A_collection_counts_the_time_spent_suspending_threads_for_it()
    {
        GcPromotions.EnsureStarted();
        await CollectAsync(1);
        var before = GcPromotions.Suspending;
        var span = GcPauses.Start();

        await CollectAsync(0);

        Assert.True(GcPromotions.Suspending > before, "a forced collection suspends the process's threads, and the runtime reports it");
        Assert.Matches(@"\), suspending threads [0-9,]+ ms of it \(longest [0-9.]+ ms\); ", span.Stop());
    }

    [Fact]
    public async Task The_longest_pause_and_every_gen2_collection_are_named_by_kind_and_reason()
    {
        GcPromotions.EnsureStarted();
        await CollectAsync(1);
        var span = GcPauses.Start();

        await CollectAsync(2);

        // Other tests in this process may collect meanwhile: their collections may be longer, and be listed too. Their
        // pause events may also arrive before this collection's, so the span is read until it names this one (counting
        // the process's pauses let a report through before this collection's events had arrived).
        var text = await SpanTextOnceAsync(span, @"; longest pause [0-9.]+ ms \(gen[012] (blocking|background|foreground), [a-z ()]+\); gen2: [^;]*\bblocking, induced\b[^;]*; ");
        Assert.Matches(@"; longest pause [0-9.]+ ms \(gen[012] (blocking|background|foreground), [a-z ()]+\); gen2: [^;]*\bblocking, induced\b[^;]*; ", text);
    }

    [Fact]
    public async Task A_collection_just_before_the_span_is_not_the_spans_even_when_its_events_arrive_inside_it()
    {
        GcPromotions.EnsureStarted();
        await CollectAsync(1);
        var pauses = GcPromotions.Pauses;

        // As before a measured run: a forced full collection, and the span starts at once (its events still on their way).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var span = GcPauses.Start();
        await CollectAsync(0);
        var clock = Stopwatch.StartNew();
        while (GcPromotions.Pauses < pauses + 2)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the runtime did not report the ends of both pauses within 5 s");
            await Task.Delay(20);
        }

        var text = await SpanTextOnceAsync(span, @"; longest pause [0-9.]+ ms \(gen[01] ");
        Assert.DoesNotContain("induced compacting", text, StringComparison.Ordinal);
        Assert.Matches(@"; longest pause [0-9.]+ ms \(gen[01] ", text);
    }

    [Fact]
    public void Catching_up_waits_until_the_events_of_every_collection_so_far_have_arrived()
    {
        GcPromotions.EnsureStarted();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);

        Assert.True(GcPromotions.CatchUp(TimeSpan.FromSeconds(5)), "the events of two forced collections did not arrive within 5 s");
    }

    private static List<byte[]> Allocate(bool keep)
    {
        var kept = new List<byte[]>(keep ? Arrays : 0);
        for (var i = 0; i < Arrays; i++)
        {
            var array = new byte[ArrayBytes];
            array[i % ArrayBytes] = 1;
            if (keep)
            {
                kept.Add(array);
            }
        }

        return kept;
    }

    /// <summary>A forced gen0 collection, then the span's figures.</summary>
    private static async Task<(double AllocatedKiB, double PromotedKiB)> CollectAndStopAsync(GcPauses span, int units)
    {
        await CollectAsync(0);
        var text = span.Stop(units, "array");
        Assert.Matches(@"; allocated [0-9,]+ MiB and promoted [0-9,]+ MiB \([0-9.]+ and [0-9.]+ KiB per array\)$", text);
        return PerUnit(text);
    }

    /// <summary>A forced collection, returning once the runtime has reported it (on its event thread, shortly after).</summary>
    private static async Task CollectAsync(int generation)
    {
        var reported = GcPromotions.Collections;
        GC.Collect(generation, GCCollectionMode.Forced, blocking: true);
        var clock = Stopwatch.StartNew();
        while (GcPromotions.Collections <= reported)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the runtime did not report the collection within 5 s");
            await Task.Delay(20);
        }
    }

    private static (double AllocatedKiB, double PromotedKiB) PerUnit(string text)
    {
        var match = PerUnitPattern().Match(text);
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"\(([0-9.]+) and ([0-9.]+) KiB per array\)$")]
    private static partial Regex PerUnitPattern();

    /// <summary>The span's report once it matches <paramref name="pattern"/> (its events have arrived), or after 5 s as it is.</summary>
    private static async Task<string> SpanTextOnceAsync(GcPauses span, string pattern)
    {
        var clock = Stopwatch.StartNew();
        var text = span.Stop();
        while (!Regex.IsMatch(text, pattern) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
            text = span.Stop();
        }

        return text;
    }
}
