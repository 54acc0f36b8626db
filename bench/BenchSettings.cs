namespace Tracking.Bench;

/// <summary>What to run and against which servers. <see cref="Quick"/> shrinks every scenario to a smoke test.</summary>
public sealed record BenchSettings
{
    public bool Quick { get; init; }

    /// <summary>Scenario names to run (empty = all): ceiling, ingest, latency, durable, memory, baseline, coldstart, planner.</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Measured seconds per throughput scenario (warm-up and drain come on top).</summary>
    public double Seconds { get; init; } = 10;

    /// <summary>Admin connection string of the PostgreSQL server; each scenario makes (and drops) its own database.</summary>
    public string PostgresAdmin { get; init; } = "";

    public string MqttHost { get; init; } = "127.0.0.1";

    public int MqttPort { get; init; } = 1883;

    /// <summary>Publish → SignalR levels in messages per second, each message a new item's receipt.</summary>
    public IReadOnlyList<int> LatencyRates { get; init; } = [1000, 5000, 10000];

    /// <summary>
    /// Publish → SignalR levels in messages per second, each message moving an item already on site (received at the
    /// dock beforehand, read at the inspection gate): the steady state of a site, where new items are a small share.
    /// </summary>
    public IReadOnlyList<int> LatencyMoveRates { get; init; } = [5000];

    /// <summary>
    /// Live-map delta gaps (<c>Tracking:Live:FlushInterval</c>, ms) to measure the latency levels with. The first is the
    /// product default (2) and also runs the fan-out case; 100 was the default before leading-edge pacing.
    /// </summary>
    public IReadOnlyList<int> LiveFlushMs { get; init; } = [2, 100];

    public int LatencyClients { get; init; } = 5;

    /// <summary>The latency scenario's silos store grain state in PostgreSQL (a production silo) instead of memory (the live path alone).</summary>
    public bool LatencyOnPostgres { get; init; }

    /// <summary>Issue 5's fan-out case: this many SignalR clients on one warehouse at <see cref="FanOutRate"/>.</summary>
    public int FanOutClients { get; init; } = 50;

    public int FanOutRate { get; init; } = 1000;

    /// <summary>Items registered (stored) and, of those, activated for the memory scenario.</summary>
    public int MemoryRegistered { get; init; } = 1_000_000;

    public int MemoryActive { get; init; } = 100_000;

    /// <summary>
    /// Raw reads per tag per gate in the RFID stream: a stress density, an item change every 4th read (real gates see a
    /// tag hundreds of times a second). The baseline uses it too.
    /// </summary>
    public int ReadsPerTag { get; init; } = 4;

    /// <summary>A second single-read density for the ingest scenario, nearer to a real portal's (0 or ≤ <see cref="ReadsPerTag"/>: not run).</summary>
    public int DenseReadsPerTag { get; init; } = 16;

    /// <summary>
    /// Tags in one run of the RFID stream (ingest and baseline): enough for the measured seconds at the expected rates.
    /// More reads per tag, fewer tags, so a run has about as many reads whatever <see cref="ReadsPerTag"/> is.
    /// </summary>
    public int TagsPerRun => Quick ? 400 : (int)Math.Min(40_000, 1_500 * Seconds * 4 / ReadsPerTag);

    /// <summary>Whether the ingest scenario runs the denser single-read stream at all.</summary>
    public bool RunsDenseStream => DenseReadsPerTag > ReadsPerTag;

    /// <summary>Tags in one run of the denser stream: as many reads as a stress run, so fewer tags (0 when it does not run).</summary>
    public int DenseTagsPerRun => RunsDenseStream ? Math.Max(1, TagsPerRun * ReadsPerTag / DenseReadsPerTag) : 0;

    /// <summary>Reads per MQTT message in the batched-array run.</summary>
    public int BatchSize { get; init; } = 100;

    public int ColdStartRuns { get; init; } = 3;

    /// <summary>The Silo executable's main assembly for the cold-start scenario (found beside the repository when empty).</summary>
    public string? SiloAssembly { get; init; }

    public int PlannerScenarios { get; init; } = 20;

    /// <summary>
    /// Run the simulated devices of the ceiling, ingest and latency scenarios in the benchmark's own process instead of a
    /// process of their own (the default since 2026-12-02; earlier figures in docs/benchmarks.md were measured in-process).
    /// </summary>
    public bool PublishersInProcess { get; init; }

    public bool Runs(string scenario) => Scenarios.Count == 0 || Scenarios.Contains(scenario);

    /// <summary>The sizes --quick uses: everything small and short, correctness still checked.</summary>
    public BenchSettings AsQuick() => this with
    {
        Quick = true,
        Seconds = 2,
        LatencyRates = [500],
        LatencyMoveRates = [300],
        LiveFlushMs = [2],
        LatencyClients = 2,
        FanOutClients = 5,
        FanOutRate = 200,
        MemoryRegistered = 3000,
        MemoryActive = 1000,
        BatchSize = 50,
        ColdStartRuns = 1,
        PlannerScenarios = 3,
    };
}
