namespace Tracking.Grains.Devices;

/// <summary>
/// Runs asynchronous work in order per key and concurrently across keys: work for a key starts only after the earlier
/// work for that key has succeeded; if that failed, the later work fails with it without running (so nothing for the
/// key ever happens out of order). Work added once the earlier work has already ended, even in failure, runs: the
/// failure was known (and dealt with) before it was asked for. Not thread-safe: the gate grain's single-threaded turns
/// use it.
/// </summary>
public sealed class KeyedSequence
{
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);

    /// <summary>Keys with work recorded (finished work is forgotten by <see cref="Prune"/>).</summary>
    public int Count => _tails.Count;

    public Task RunAsync(string key, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(work);
        var task = _tails.TryGetValue(key, out var previous) && !previous.IsCompleted
            ? AfterAsync(previous, work)
            : work();
        _tails[key] = task;
        return task;
    }

    /// <summary>Forgets the keys whose work has finished, so the map holds only tags with calls in flight.</summary>
    public void Prune()
    {
        // Removing the current entry does not invalidate a dictionary's enumerator: no list of keys to allocate.
        foreach (var (key, tail) in _tails)
        {
            if (tail.IsCompleted)
            {
                _tails.Remove(key);
            }
        }
    }

    private static async Task AfterAsync(Task previous, Func<Task> work)
    {
        // The earlier work was started by this sequence, in the same grain's turns.
#pragma warning disable VSTHRD003
        await previous;
#pragma warning restore VSTHRD003
        await work();
    }
}
