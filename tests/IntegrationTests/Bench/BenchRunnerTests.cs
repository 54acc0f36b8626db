using System.Runtime.CompilerServices;
using Tracking.Bench;
using Tracking.Bench.Infrastructure;
using Tracking.Bench.Reporting;

namespace Tracking.IntegrationTests.Bench;

/// <summary>
/// Scenarios run one after another in one process, so what one of them generated must be gone before the next one is
/// measured: its garbage would otherwise sit in the heap of every later scenario's collections.
/// </summary>
[Collection(nameof(QuickBenchCollection))]
public sealed class BenchRunnerTests
{
    [Fact]
    public async Task What_a_finished_scenario_held_in_its_locals_is_collectable_when_the_next_one_starts()
    {
        var first = new HoldingScenario();
        var second = new CheckingScenario(first);

        // As in the benchmark's console process: no synchronization context, so continuations may run inline.
        await Task.Run(() => BenchRunner.RunAsync(new BenchSettings(), TextWriter.Null, [first, second]));

        Assert.True(second.Checked, "the second scenario ran");
        Assert.False(second.FirstsDataAlive, "the first scenario's generated data was still reachable when the second started");
    }

    /// <summary>Holds a large array across an await and finishes on another thread, as the real scenarios do.</summary>
    private sealed class HoldingScenario : IScenario
    {
        public string Name => "holding";

        public WeakReference Data { get; } = new(null);

        public async Task<ScenarioResult> RunAsync(BenchContext context)
        {
            // Like the real ones: resources disposed at the end, data generated up front and used after awaits.
            await using var resource = new Resource();
            var generated = Generate();
            Data.Target = generated;
            await Task.Delay(20);
            return new ScenarioResult(Name, $"holds its data until it ends ({Size()} bytes)", "figure");

            // A local function reading a local, as the ingest scenario's row helpers do.
            int Size() => generated.Length;
        }

        private sealed class Resource : IAsyncDisposable
        {
            public async ValueTask DisposeAsync() => await Task.Delay(5);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static byte[] Generate() => new byte[1_000_000];
    }

    private sealed class CheckingScenario(HoldingScenario first) : IScenario
    {
        public string Name => "checking";

        public bool Checked { get; private set; }

        public bool FirstsDataAlive { get; private set; }

        public Task<ScenarioResult> RunAsync(BenchContext context)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            FirstsDataAlive = first.Data.IsAlive;
            Checked = true;
            return Task.FromResult(new ScenarioResult(Name, "checks", "figure"));
        }
    }
}
