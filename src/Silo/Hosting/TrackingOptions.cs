namespace Tracking.Silo.Hosting;

/// <summary>The <c>Tracking</c> configuration section as the silo host sees it (device and auth settings live with their features).</summary>
public sealed class TrackingOptions
{
    public const string Section = "Tracking";

    public ClusterSettings Cluster { get; set; } = new();

    public StorageSettings Storage { get; set; } = new();

    public PostgreSqlSettings PostgreSql { get; set; } = new();

    public SiteSettings Site { get; set; } = new();

    public LiveStreamSettings Streams { get; set; } = new();

    public DashboardSettings Dashboard { get; set; } = new();

    public RuntimeSettings Runtime { get; set; } = new();
}

public sealed class RuntimeSettings
{
    /// <summary>
    /// Short timers (grain timers, the stream poll, delta pacing) fire on time instead of on the 4 ms steps of Linux's
    /// coarse clock (<see cref="PreciseTimeProvider"/>, docs/decisions/0010). Off gives .NET's own timers.
    /// </summary>
    public bool PreciseTimers { get; set; } = true;

    /// <summary>
    /// A background garbage collection whenever none ran for 15 s (10 s if the silo is idle), so that the runtime's background GC thread never
    /// idles out: re-created, it sometimes runs its collection blocking, a pause of about a second on a large heap
    /// (<see cref="BackgroundGcThreadKeeper"/>, docs/decisions/0020). Applies to workstation concurrent GC only.
    /// </summary>
    public bool KeepBackgroundGcThread { get; set; } = true;
}

public sealed class DashboardSettings
{
    /// <summary>
    /// The Orleans dashboard at /dashboard (admin only). Unset: on in the demo (memory storage), off with PostgreSQL. It
    /// profiles every grain call and reads every activation once a second, which a production silo pays for all day,
    /// and Orleans 10.4's dashboard keeps its metrics thread (and with it the whole host) alive after the host is
    /// disposed (docs/benchmarks.md); operators who want it set it to true.
    /// </summary>
    public bool? Enabled { get; set; }

    public bool IsEnabled(StorageMode storage) => Enabled ?? storage == StorageMode.Memory;
}

/// <summary>The in-memory Orleans streams that carry live events from grains to the SignalR forwarders.</summary>
public sealed class LiveStreamSettings
{
    /// <summary>
    /// The pause between a queue's pulling agent's reads once a read (including its <see cref="IdleWait"/>) came back
    /// empty.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long an agent that found its queue empty waits for this silo's next event before reading again. Events
    /// published on this silo wake it at once; events from other silos of a cluster wait up to this plus
    /// <see cref="PollInterval"/>. Zero turns the doorbell off (pure polling every <see cref="PollInterval"/>).
    /// </summary>
    public TimeSpan IdleWait { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Stream queues, each polled by one silo's agent: fewer queues, fewer idle polls; at least the number of silos.</summary>
    public int Queues { get; set; } = 2;

    /// <summary>
    /// How long a live event stays in its queue's cache after it was read from the queue. Orleans keeps events there for
    /// subscribers that rewind or fall behind, by default until they are 30 minutes older than the newest event, so the
    /// cache of a busy silo grows for half an hour (docs/decisions/0016). Nothing here rewinds: a watcher that falls this
    /// far behind misses events, and its feed heals on its next refresh from the grains (decision 0005).
    /// </summary>
    public TimeSpan CacheRetention { get; set; } = TimeSpan.FromSeconds(30);
}

public enum ClusterMode
{
    /// <summary>One silo (or a few on one machine with a primary), membership in memory. The demo default.</summary>
    Localhost,

    /// <summary>Membership table in PostgreSQL: any number of silos on any machines.</summary>
    AdoNet,
}

public enum StorageMode
{
    /// <summary>Grain state in memory: lost when the process exits. The demo default.</summary>
    Memory,

    /// <summary>Grain state, reminders and the custody journal in PostgreSQL.</summary>
    PostgreSql,
}

public enum GrainStateProvider
{
    /// <summary>Tracking's group-commit provider: one statement stores many grains' writes (docs/decisions/0009).</summary>
    Batched,

    /// <summary>The Orleans ADO.NET provider on the project's schema: one transaction per grain write.</summary>
    AdoNet,
}

public sealed class ClusterSettings
{
    public ClusterMode Mode { get; set; } = ClusterMode.Localhost;

    public string ClusterId { get; set; } = "tracking";

    public string ServiceId { get; set; } = "tracking";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost mode only: the silo port of the primary silo when several run on one machine.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>The address other silos use to reach this one. Loopback by default (single machine).</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";
}

public sealed class StorageSettings
{
    public StorageMode Mode { get; set; } = StorageMode.Memory;

    /// <summary>Apply pending schema migrations at start-up (PostgreSQL mode).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>PostgreSQL mode: which provider stores grain state (the Orleans stream pub-sub state always uses ADO.NET).</summary>
    public GrainStateProvider GrainState { get; set; } = GrainStateProvider.Batched;
}

public sealed class PostgreSqlSettings
{
    /// <summary>Npgsql connection string. Keep it out of the repository: environment or user secrets.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class SiteSettings
{
    /// <summary>The site seed JSON (regions, warehouses, layouts, devices). Relative paths are resolved from the app folder.</summary>
    public string SeedFile { get; set; } = "Site/sample-site.json";
}
