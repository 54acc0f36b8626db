using System.Net.Http.Json;
using System.Text;
using Tracking.Api.Devices;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.IntegrationTests.Storage;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A flood of bad device input through a private Mosquitto: all of it dead-lettered, the bridge keeps working.</summary>
[Collection("devices")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MalformedPayloadTests
{
    [Fact]
    public async Task Ten_thousand_random_malformed_payloads_are_all_dead_lettered_and_good_messages_still_flow()
    {
        await using var broker = await MosquittoProcess.StartAsync();
        await using var host = await DeviceHosts.StartAsync(broker.Port, new Dictionary<string, string> { ["Tracking:Mqtt:MaxPayloadBytes"] = "4096" });
        await DeviceHosts.WaitConnectedAsync(host);
        await using var device = await TestDevice.ConnectAsync(broker.Port);

        const int total = 10_000;
        var random = new Random(20251114);
        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < total; i++)
        {
            var (topic, payload, reason) = Malformed(random, i);
            expected[reason] = expected.GetValueOrDefault(reason) + 1;
            await device.PublishAsync(topic, payload);
            if (i == total / 2)
            {
                // Good messages in the middle of the flood are not held up by it.
                await device.PublishAsync("tracking/rfid/AMS1-GATE-IN/events", Encoding.UTF8.GetBytes(TestDevice.ZebraRead(GoodEpc, 1, -50)));
            }
        }

        var log = host.Services.GetRequiredService<IDeadLetterLog>();
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(log.Snapshot().Total >= total), TimeSpan.FromSeconds(60)),
            $"only {log.Snapshot().Total} of {total} dead-lettered: {string.Join(", ", log.Snapshot().ByReason.Select(kv => $"{kv.Key}={kv.Value}/{expected.GetValueOrDefault(kv.Key)}"))}");
        var report = log.Snapshot(limit: 0);
        Assert.Equal(total, report.Total);
        foreach (var (reason, count) in expected)
        {
            Assert.Equal(count, report.ByReason.GetValueOrDefault(reason));
        }

        Assert.NotNull(await host.Grains.GetGrain<IReturnedItemGrain>(GoodEpc).GetAsync());
        var after = TestDevice.NewEpc();
        await device.PublishAsync("tracking/rfid/AMS1-GATE-IN/events", Encoding.UTF8.GetBytes(TestDevice.ImpinjRead(after, 3, -5000)));
        Assert.True(await Eventually.HoldsAsync(async () => await host.Grains.GetGrain<IReturnedItemGrain>(after).GetAsync() is not null));

        using var operatorClient = host.CreateClient("operator-key");
        var fromApi = await operatorClient.GetFromJsonAsync<DeadLetterReport>("/api/devices/dead-letters?limit=5");
        Assert.Equal(total, fromApi!.Total);
        Assert.Equal(5, fromApi.Recent.Count);
        Assert.All(fromApi.Recent, d => Assert.False(string.IsNullOrEmpty(d.Detail)));
    }

    private static readonly string GoodEpc = TestDevice.NewEpc();

    private static (string Topic, byte[] Payload, string Reason) Malformed(Random random, int i)
    {
        var epc = TestDevice.NewEpc();
        var good = TestDevice.ZebraRead(epc, 1, -50);
        string Rfid(string reader = "AMS1-GATE-IN") => $"tracking/rfid/{reader}/events";
        switch (random.Next(12))
        {
            case 0:
                return (Rfid(), Encoding.UTF8.GetBytes(good[..random.Next(1, good.Length - 1)]), DeadLetterReasons.MalformedJson);
            case 1:
                var garbage = new byte[random.Next(1, 200)];
                random.NextBytes(garbage);
                garbage[0] = (byte)'#'; // never valid JSON start
                return (Rfid(), garbage, DeadLetterReasons.MalformedJson);
            case 2:
                return (Rfid(), Encoding.UTF8.GetBytes(good.Replace("\"antenna\":1", "\"antenna\":\"one\"", StringComparison.Ordinal)), DeadLetterReasons.InvalidValue);
            case 3:
                return (Rfid(), Encoding.UTF8.GetBytes(good.Replace("\"idHex\"", "\"idHx\"", StringComparison.Ordinal)), DeadLetterReasons.MissingField);
            case 4:
                return (Rfid(), Encoding.UTF8.GetBytes(good.Replace("\"antenna\":1", "\"antenna\":9", StringComparison.Ordinal)), DeadLetterReasons.UnknownAntenna);
            case 5:
                return (Rfid($"NOPE-{i}"), Encoding.UTF8.GetBytes(good), DeadLetterReasons.UnknownReader);
            case 6:
                return ($"tracking/rfid/AMS1-GATE-IN/other{i}", Encoding.UTF8.GetBytes(good), DeadLetterReasons.UnknownTopic);
            case 7:
                return (Rfid(), Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(good, 40)) + "]"), DeadLetterReasons.PayloadTooLarge);
            case 8:
                return ("uagv/v2/acme/AMS1-AGV-01/state", Encoding.UTF8.GetBytes("{\"headerId\":1}"), DeadLetterReasons.MissingField);
            case 9:
                return ($"uagv/v2/acme/GHOST-{i}/state", Encoding.UTF8.GetBytes("{}"), DeadLetterReasons.UnknownAgv);
            case 10:
                return ("uagv/v2/acme/AMS1-AGV-02/connection", Encoding.UTF8.GetBytes(
                    "{\"headerId\":1,\"timestamp\":\"2025-05-14T09:00:00.00Z\",\"version\":\"2.1.0\",\"manufacturer\":\"acme\",\"serialNumber\":\"AMS1-AGV-02\",\"connectionState\":\"MAYBE\"}"), DeadLetterReasons.InvalidValue);
            default:
                return (Rfid(), Encoding.UTF8.GetBytes(good.Replace("+0000", "", StringComparison.Ordinal)), DeadLetterReasons.InvalidValue);
        }
    }
}
