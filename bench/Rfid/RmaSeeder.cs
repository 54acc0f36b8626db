using System.Globalization;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Bench.Rfid;

/// <summary>
/// Announces the stream's tags the way the business does: RMAs whose lines carry the EPC (refund on grading), so a dock read receives an
/// expected item (an unknown tag would be an "unexpected item" with an alert each, which is not the common case).
/// </summary>
public static class RmaSeeder
{
    /// <summary>
    /// Lines per RMA cycle through 1–5 (3 on average), as real returns do: one parcel holds a few units. A warehouse's
    /// tags follow each other in the stream, so the units of one RMA reach the gate together, as a parcel's do.
    /// </summary>
    private static readonly int[] LinesPerRma = [1, 2, 3, 4, 5];

    public static async Task SeedAsync(IGrainFactory grains, IReadOnlyDictionary<string, string> tagWarehouse, int parallelism = 32)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(tagWarehouse);
        var rmas = tagWarehouse
            .GroupBy(t => t.Value, StringComparer.OrdinalIgnoreCase)
            .SelectMany(g => Parcels([.. g.Select(t => t.Key)]).Select(tags => (Warehouse: g.Key, Tags: tags)))
            .ToList();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForEachAsync(
            rmas.Select((r, i) => (r.Warehouse, r.Tags, Id: string.Create(CultureInfo.InvariantCulture, $"RMA-B{prefix}-{i}"))),
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (rma, _) =>
            {
                var lines = rma.Tags.Select(epc => new RmaLine("SKU-BENCH", 1, ReasonCodes.NotWanted, epc, 25m)).ToList();
                await grains.GetGrain<IRmaGrain>(rma.Id).CreateAsync(new CreateRma(
                    $"ORD-{rma.Id}", RmaChannel.Web, "EU", rma.Warehouse, RefundPolicy.OnGrading, lines, Actor.System));
            });
    }

    /// <summary>The tags cut into consecutive parcels of 1, 2, 3, 4, 5, 1, 2, … units.</summary>
    public static IEnumerable<string[]> Parcels(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var start = 0;
        for (var i = 0; start < tags.Count; i++)
        {
            var size = Math.Min(LinesPerRma[i % LinesPerRma.Length], tags.Count - start);
            yield return [.. tags.Skip(start).Take(size)];
            start += size;
        }
    }
}
