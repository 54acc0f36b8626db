namespace Tracking.Grains.Common;

// The tasks handed out are this class's own rounds and write loop, started in the grain's turns.
#pragma warning disable VSTHRD003

/// <summary>
/// Stores a grain's whole state for many changes at once: changes made while a write is running are covered by one
/// write that starts after them, shared by all of them. A grain that many others call (a warehouse's alerts, raised by
/// each unexpected tag of a pallet) then writes a few times instead of once per change, one after another. Each
/// caller's task completes only when a write that started after its change has succeeded, and fails with that write.
/// The grain must be reentrant for changes to meet; the write runs on the caller's scheduler (the grain's).
/// </summary>
public sealed class CoalescedWrites(Func<Task> write)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiting;
    private Task _latest = Task.CompletedTask;
    private bool _running;
    private Task _loop = Task.CompletedTask;

    /// <summary>Writes started so far (one per round of changes).</summary>
    public long Writes { get; private set; }

    /// <summary>Call after changing the state: completes when a write that includes the change has succeeded.</summary>
    public Task RequestAsync()
    {
        lock (_gate)
        {
            var waiting = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _latest = waiting.Task;
            if (!_running)
            {
                _running = true;
                _loop = RunAsync();
            }

            return waiting.Task;
        }
    }

    /// <summary>
    /// Completes when every change requested so far is stored (at once if they are), without asking for a write: for a
    /// caller whose change turned out to be there already, possibly not stored yet.
    /// </summary>
    public Task WhenStoredAsync()
    {
        lock (_gate)
        {
            return _latest;
        }
    }

    /// <summary>Completes when no write is running or waiting.</summary>
    public Task IdleAsync() => _loop;

    private async Task RunAsync()
    {
        // Yield first, so that changes made in the same burst of turns join this write.
        await Task.Yield();
        while (true)
        {
            TaskCompletionSource round;
            lock (_gate)
            {
                if (_waiting is null)
                {
                    _running = false;
                    return;
                }

                round = _waiting;
                _waiting = null;
                Writes++;
            }

            try
            {
                await write();
                round.SetResult();
            }
            catch (Exception ex)
            {
                // This round's callers hear of it; the next round writes the state as it is then.
                round.SetException(ex);
            }
        }
    }
}
