using System.Diagnostics.CodeAnalysis;

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

    /// <param name="key">What orders the work (a tag).</param>
    /// <param name="work">The work, started now or once the key's earlier work has succeeded.</param>
    /// <param name="skipped">
    /// Called, before the returned task fails, when the work never runs because the earlier work failed: whatever the
    /// caller did in expectation of the work (a tag put in the field) must be undone by the time anyone sees it failed.
    /// </param>
    public Task RunAsync(string key, Func<Task> work, Action? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(work);
        var task = _tails.TryGetValue(key, out var previous) && !previous.IsCompleted
            ? AfterAsync(previous, work, skipped)
            : work();
        _tails[key] = task;
        return task;
    }

    /// <summary>The key's latest work, while it is still running (false once it has ended, or when there was none).</summary>
    public bool TryGetRunning(string key, [NotNullWhen(true)] out Task? running)
    {
        running = _tails.TryGetValue(key, out var tail) && !tail.IsCompleted ? tail : null;
        return running is not null;
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

    private static async Task AfterAsync(Task previous, Func<Task> work, Action? skipped)
    {
        try
        {
            // The earlier work was started by this sequence, in the same grain's turns.
#pragma warning disable VSTHRD003
            await previous;
#pragma warning restore VSTHRD003
        }
        catch when (skipped is not null)
        {
            skipped();
            throw;
        }

        await work();
    }
}
