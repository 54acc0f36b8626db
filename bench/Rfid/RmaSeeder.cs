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
    private const int LinesPerRma = 20;

    public static async Task SeedAsync(IGrainFactory grains, IReadOnlyDictionary<string, string> tagWarehouse, int parallelism = 32)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(tagWarehouse);
        var rmas = tagWarehouse
            .GroupBy(t => t.Value, StringComparer.OrdinalIgnoreCase)
            .SelectMany(g => g.Select(t => t.Key).Chunk(LinesPerRma).Select(chunk => (Warehouse: g.Key, Tags: chunk)))
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
}
