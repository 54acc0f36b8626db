using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Warehouses;

namespace Tracking.Bench.Infrastructure;

/// <summary>What every scenario gets: the settings, the seeded site and somewhere to say what it is doing.</summary>
public sealed class BenchContext(BenchSettings settings, TextWriter log)
{
    public BenchSettings Settings { get; } = settings;

    public SiteDefinition Site { get; } = SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json"));

    public TextWriter Log { get; } = log;

    /// <summary>Results so far in this run: later scenarios compare against earlier ones (ceiling, baseline).</summary>
    public Reporting.BenchReport? Report { get; set; }

    public void Say(string message) => Log.WriteLine($"[bench {DateTime.UtcNow:HH:mm:ss}] {message}");

    /// <summary>Scenario length: the quick mode's seconds, or the configured ones.</summary>
    public TimeSpan Measured => TimeSpan.FromSeconds(Settings.Seconds);
}
