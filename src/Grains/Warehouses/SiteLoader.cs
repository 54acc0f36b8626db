using System.Text.Json;
using System.Text.Json.Serialization;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Grains.Warehouses;

/// <summary>Reads and checks a site seed file. A broken seed stops start-up with a message that names the problem.</summary>
public static class SiteLoader
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static SiteDefinition Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Site seed file '{path}' does not exist. Set Tracking:Site:SeedFile to a site JSON file.");
        }

        using var stream = File.OpenRead(path);
        var site = JsonSerializer.Deserialize<SiteDefinition>(stream, JsonOptions)
            ?? throw new InvalidOperationException($"Site seed file '{path}' is empty.");
        var problems = Validate(site);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Site seed file '{path}' is invalid: {string.Join("; ", problems)}");
        }

        return site;
    }

    public static IReadOnlyList<string> Validate(SiteDefinition site)
    {
        ArgumentNullException.ThrowIfNull(site);
        var problems = new List<string>();
        var regions = site.Regions.Select(r => r.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var warehouses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var readers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in site.Warehouses)
        {
            if (!warehouses.Add(w.Code))
            {
                problems.Add($"warehouse '{w.Code}' is defined twice");
            }

            if (!regions.Contains(w.Region))
            {
                problems.Add($"warehouse '{w.Code}' names unknown region '{w.Region}'");
            }

            var zones = w.Layout.Zones.Select(z => z.Code).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var locations = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var l in w.Layout.Locations)
            {
                if (!locations.Add(l.Code))
                {
                    problems.Add($"location '{w.Code}/{l.Code}' is defined twice");
                }

                if (!zones.Contains(l.Zone))
                {
                    problems.Add($"location '{w.Code}/{l.Code}' names unknown zone '{l.Zone}'");
                }

                if (l.Capacity <= 0)
                {
                    problems.Add($"location '{w.Code}/{l.Code}' needs a positive capacity");
                }
            }

            foreach (var r in w.Layout.Readers)
            {
                if (!readers.Add(r.ReaderId))
                {
                    problems.Add($"reader '{r.ReaderId}' is defined twice");
                }

                problems.AddRange(r.Antennas
                    .Where(a => !locations.Contains(a.Location))
                    .Select(a => $"reader '{r.ReaderId}' antenna {a.Port} watches unknown location '{a.Location}'"));
            }
        }

        foreach (var r in site.Regions.Where(r => !warehouses.Contains(r.HubWarehouse)))
        {
            problems.Add($"region '{r.Code}' names unknown hub warehouse '{r.HubWarehouse}'");
        }

        problems.AddRange(site.Lanes
            .Where(l => !warehouses.Contains(l.From) || !warehouses.Contains(l.To))
            .Select(l => $"lane {l.From}->{l.To} names an unknown warehouse"));
        return problems;
    }
}
