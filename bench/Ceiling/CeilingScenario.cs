using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;
using Tracking.Bench.Rfid;
using Tracking.DeviceBridge.Mqtt;

namespace Tracking.Bench.Ceiling;

/// <summary>(1) Bare ceiling: QoS 1 messages from 16 simulated readers through Mosquitto into a grain that does nothing.</summary>
public sealed class CeilingScenario : IScenario
{
    /// <summary>Warm-up rounds at most (a quarter of a measured run each).</summary>
    private const int MaxWarmUpRounds = 5;

    public string Name => "ceiling";

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var s = context.Settings;
        var result = new ScenarioResult(Name, "1. Bare ceiling: MQTT QoS 1 → a grain that does nothing", "figure", "value", "target / reference");
        await using var silo = await BenchSilo.StartAsync(s, postgres: null);
        await using var subscriber = await CeilingSubscriber.StartAsync(s.MqttHost, s.MqttPort, silo.Services.GetRequiredService<IOptions<MqttOptions>>().Value.SocketBufferBytes, silo.Grains);
        var readers = context.Site.Warehouses.SelectMany(w => w.Layout.Readers).Select(r => r.ReaderId).ToList();
        await using var publishers = await DevicePublishers.ForScenarioAsync(s, readers);

        // Warm-up, not measured: connections, grain activations, JIT-optimised hot paths. Rounds until the JIT has caught
        // up, as in the ingest scenario, so that the two figures compared in issue 7's target are measured alike.
        var count = (int)Math.Min(2_000_000, 40_000 * s.Seconds);
        var (warmUpRounds, warmUpMessages) = s.Quick ? (1, 2_000) : (MaxWarmUpRounds, count / 4);
        var warmUp = await WarmUp.UntilJitQuietAsync(warmUpRounds, _ => RunOnceAsync(Messages(readers, warmUpMessages), 0, TimeSpan.FromSeconds(60)));
        context.Say($"ceiling: {warmUp}");

        // Several measured runs, the median reported: on a shared 2-core machine one run can be off by a third.
        var runs = new List<(PublishOutcome Outcome, long Landed, double Seconds, string Collections, CpuTimes Cpu)>();
        for (var i = 0; i < (s.Quick ? 1 : RepeatedRuns.Count); i++)
        {
            runs.Add(await RunOnceAsync(Messages(readers, count), 0, context.Measured));
        }

        var acked = runs.Sum(r => r.Outcome.Acked);
        var landed = runs.Sum(r => r.Landed);
        var lost = acked - landed;
        var rates = runs.Select(r => r.Landed / r.Seconds).ToList();
        var rate = RepeatedRuns.Median(rates, r => r);
        result.Figures["msgs_per_s"] = rate;
        result.Row("messages acknowledged by Mosquitto (QoS 1), all runs", acked, "");
        result.Row("messages landed in the noop grain, all runs", landed, "");
        result.Row($"**messages/s landed** (median of {runs.Count} runs)", rate, "20–25k msgs/s seen before on this kind of machine");
        result.Row("messages/s of each run", string.Join(" / ", rates.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))), "");
        result.Row("messages lost", lost, "0");
        var cpuPerMessage = CeilingScenario.Median(runs.Select(r => r.Cpu.MachinePerMessage(r.Landed)).ToList());
        result.Figures["cpu_us_per_msg"] = cpuPerMessage;
        result.Row("machine CPU per message, µs (median of the runs)", double.IsNaN(cpuPerMessage) ? "not measured" : cpuPerMessage.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), "");
        result.Check(lost == 0, $"{lost} acknowledged messages never reached the grain");
        result.Note($"{readers.Count} publishing connections (one per reader of the sample site, {publishers.Describe}), up to 200 QoS 1 publishes in flight each, " +
            "one subscriber connection (receive maximum 1000) handing off to a bounded channel, one grain call per message.");
        result.Note($"CPU per message of each measured run, µs: {string.Join("; ", runs.Select(r => r.Cpu.PerMessage(r.Landed)))}. " +
            "Busy time of both cores over the run divided by the messages landed, and the processes' shares of it (read from /proc). A saturated machine lands about 2 cores / this; it moves less from run to run than messages/s.");
        result.Note($"Garbage collection and the JIT during each measured run (compare with the ingest scenario's): {string.Join("; ", runs.Select(r => r.Collections))}. " +
            $"Measured after {warmUp} of {warmUpMessages:N0} messages each: rounds until one compiles fewer than {WarmUp.QuietMethods} methods, at most {warmUpRounds}.");
        return result;

        async Task<(PublishOutcome Outcome, long Landed, double Seconds, string Collections, CpuTimes Cpu)> RunOnceAsync(List<OutgoingMessage> messages, double rate, TimeSpan limit)
        {
            await publishers.LoadAsync(messages);
            var before = NoopGrain.Accepted;
            Heap.Settle();
            var gc = GcPauses.Start();
            var jit = JitActivity.Start();
            var cpu = await CpuMeter.StartAsync(s.PostgresAdmin, s.MqttPort, publishers.ProcessId);
            var clock = Stopwatch.StartNew();
            var outcome = await publishers.RunLoadedAsync(rate, limit);
            var (landed, lastChange) = await Drain.UntilAsync(() => NoopGrain.Accepted - before, outcome.Acked, clock, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));
            var cpuTimes = cpu.Stop();
            var collections = gc.Stop(landed) + "; " + jit.Stop();
            context.Say($"ceiling: {landed / Math.Max(lastChange.TotalSeconds, 0.001):N0} msgs/s; CPU per message, µs: {cpuTimes.PerMessage(landed)}; {collections}");
            return (outcome, landed, Math.Max(lastChange.TotalSeconds, 0.001), collections, cpuTimes);
        }
    }

    private static List<OutgoingMessage> Messages(List<string> readers, int count)
    {
        var run = Tags.NewRun();
        var list = new List<OutgoingMessage>(count);
        long eventNum = 0;
        for (var i = 0; i < count; i++)
        {
            var reader = readers[i % readers.Count];
            var payload = ZebraPayload.Write(ZebraPayload.MacOf(i % readers.Count), [new TagRead(Tags.Epc(run, i), 1, -50, DateTimeOffset.UtcNow)], ref eventNum);
            list.Add(new OutgoingMessage(reader, $"{CeilingSubscriber.TopicPrefix}/{reader}", payload, 1));
        }

        return list;
    }
}
