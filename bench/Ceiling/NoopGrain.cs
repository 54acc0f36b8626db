namespace Tracking.Bench.Ceiling;

public sealed class NoopGrain : Grain, INoopGrain
{
    private static long s_accepted;

    /// <summary>Messages that reached any noop grain in this process (the benchmark checks none were lost).</summary>
    public static long Accepted => Interlocked.Read(ref s_accepted);

    public Task AcceptAsync(int messages)
    {
        Interlocked.Add(ref s_accepted, messages);
        return Task.CompletedTask;
    }
}
