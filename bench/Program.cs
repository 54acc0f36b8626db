using System.CommandLine;
using System.Globalization;
using Tracking.Bench;
using Tracking.Bench.Infrastructure;

var quick = new Option<bool>("--quick") { Description = "Smoke-test sizes (< 2 min): checks correctness (nothing lost), figures are not meaningful." };
var scenarios = new Option<string[]>("--scenarios") { Description = "Run only these: ceiling ingest latency durable memory baseline coldstart planner.", AllowMultipleArgumentsPerToken = true };
var seconds = new Option<double>("--seconds") { Description = "Measured seconds per throughput scenario.", DefaultValueFactory = _ => 10 };
var pg = new Option<string?>("--pg") { Description = "Admin connection string of the PostgreSQL server (default: $TRACKING_TEST_PG)." };
var mqttPort = new Option<int?>("--mqtt-port") { Description = "Mosquitto port on 127.0.0.1 (default: $TRACKING_TEST_MQTT_PORT)." };
var rates = new Option<int[]>("--latency-rates") { Description = "Publish → SignalR levels, msgs/s, each message a new item's receipt.", AllowMultipleArgumentsPerToken = true };
var moveRates = new Option<int[]>("--latency-move-rates") { Description = "Publish → SignalR levels, msgs/s, each message moving an item already on site (default 5000; 0 leaves them out).", AllowMultipleArgumentsPerToken = true };
var flush = new Option<int[]>("--live-flush-ms") { Description = "Live-map delta gaps (Tracking:Live:FlushInterval, ms) to measure latency with; the first also runs the fan-out case (product default 2).", AllowMultipleArgumentsPerToken = true };
var registered = new Option<int?>("--memory-registered") { Description = "Items registered for the memory scenario (default 1,000,000)." };
var active = new Option<int?>("--memory-active") { Description = "Items of those activated (default 100,000)." };
var output = new Option<FileInfo?>("--output") { Description = "Also write the results as Markdown to this file." };
var silo = new Option<string?>("--silo") { Description = "Path of the Silo executable's Tracking.Silo.dll for the cold-start scenario." };
var readsPerTag = new Option<int?>("--reads-per-tag") { Description = "Raw reads of each tag at each gate in the single-read ingest stream (default 4; the array run reads 25 times as often). The tags per run shrink in proportion." };
var denseReadsPerTag = new Option<int?>("--dense-reads-per-tag") { Description = "Reads of each tag at each gate in the ingest scenario's second, denser single-read stream (default 16; 0 leaves it out)." };
var latencyClients = new Option<int?>("--latency-clients") { Description = "SignalR clients watching every warehouse at each latency level (default 5)." };
var latencyOnPostgres = new Option<bool>("--latency-on-postgresql") { Description = "Run the latency scenario's silos on PostgreSQL grain storage, as a production silo does, instead of memory storage (the live path alone)." };
var inProcess = new Option<bool>("--publishers-in-process") { Description = "Simulate the devices of the ceiling, ingest and latency scenarios in this process (as before 2026-12-02) instead of a process of their own." };

var root = new RootCommand("Tracking benchmarks against the real stack on 127.0.0.1 (Mosquitto, PostgreSQL, in-process silos).")
{
    quick, scenarios, seconds, pg, mqttPort, rates, moveRates, flush, registered, active, output, silo, readsPerTag, denseReadsPerTag, latencyClients, latencyOnPostgres, inProcess,
};

// The child side of PublisherProcess: not for people to run.
var workerHost = new Option<string>("--host") { DefaultValueFactory = _ => "127.0.0.1" };
var workerPort = new Option<int>("--port") { Required = true };
var worker = new Command(PublisherWorker.Command, "Simulated devices driven over standard input by the ceiling, ingest and latency scenarios.") { workerHost, workerPort };
worker.Hidden = true;
worker.SetAction((parse, _) => PublisherWorker.RunAsync(parse.GetValue(workerHost)!, parse.GetValue(workerPort), Console.In, Console.Out));
root.Add(worker);

root.SetAction(async (parse, _) =>
{
    var settings = new BenchSettings
    {
        Seconds = parse.GetValue(seconds),
        PostgresAdmin = parse.GetValue(pg) ?? Environment.GetEnvironmentVariable("TRACKING_TEST_PG") ?? "",
        MqttPort = parse.GetValue(mqttPort) ?? int.Parse(Environment.GetEnvironmentVariable("TRACKING_TEST_MQTT_PORT") ?? "1883", CultureInfo.InvariantCulture),
        Scenarios = new HashSet<string>(parse.GetValue(scenarios) ?? [], StringComparer.OrdinalIgnoreCase),
        SiloAssembly = parse.GetValue(silo),
        PublishersInProcess = parse.GetValue(inProcess),
    };
    if (parse.GetValue(quick))
    {
        settings = settings.AsQuick();
    }

    if (parse.GetValue(rates) is { Length: > 0 } r)
    {
        settings = settings with { LatencyRates = r };
    }

    if (parse.GetValue(moveRates) is { Length: > 0 } m)
    {
        settings = settings with { LatencyMoveRates = [.. m.Where(rate => rate > 0)] };
    }

    if (parse.GetValue(flush) is { Length: > 0 } f)
    {
        settings = settings with { LiveFlushMs = f };
    }

    settings = settings with
    {
        MemoryRegistered = parse.GetValue(registered) ?? settings.MemoryRegistered,
        MemoryActive = parse.GetValue(active) ?? settings.MemoryActive,
        ReadsPerTag = parse.GetValue(readsPerTag) ?? settings.ReadsPerTag,
        DenseReadsPerTag = parse.GetValue(denseReadsPerTag) ?? settings.DenseReadsPerTag,
        LatencyClients = parse.GetValue(latencyClients) ?? settings.LatencyClients,
        LatencyOnPostgres = parse.GetValue(latencyOnPostgres),
    };
    if (settings.ReadsPerTag is < 1 or > 100 || settings.DenseReadsPerTag is < 0 or > 100)
    {
        await Console.Error.WriteLineAsync($"--reads-per-tag {settings.ReadsPerTag}, --dense-reads-per-tag {settings.DenseReadsPerTag}: must be between 1 and 100 (0 leaves the dense stream out).");
        return 2;
    }

    if (settings.LatencyClients is < 1 or > 100)
    {
        await Console.Error.WriteLineAsync($"--latency-clients {settings.LatencyClients}: must be between 1 and 100.");
        return 2;
    }

    if (string.IsNullOrEmpty(settings.PostgresAdmin))
    {
        await Console.Error.WriteLineAsync("No PostgreSQL: pass --pg or set TRACKING_TEST_PG (bench/run.sh starts the servers and sets it).");
        return 2;
    }

    var report = await BenchRunner.RunAsync(settings, Console.Out);
    var markdown = report.ToMarkdown(settings, "bench " + string.Join(' ', args));
    if (parse.GetValue(output) is { } file)
    {
        await File.WriteAllTextAsync(file.FullName, markdown);
    }

    var failures = report.Failures.ToList();
    foreach (var failure in failures)
    {
        await Console.Error.WriteLineAsync($"FAILED {failure}");
    }

    return failures.Count == 0 ? 0 : 1;
});

return await root.Parse(args).InvokeAsync();
