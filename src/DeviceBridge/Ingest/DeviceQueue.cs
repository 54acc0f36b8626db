namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// One device's messages between its lane and its grain. A device has one batch under way at a time, so its messages
/// reach the grain in order, while other devices' batches go ahead on their own. Messages that arrive while a batch is
/// being accepted wait here and go together as the next batch. The lane adds; the device's own loop takes.
/// </summary>
internal sealed class DeviceQueue(string deviceId, bool isReader)
{
    private readonly Lock _gate = new();
    private List<DeviceMessage> _waiting = [];
    private bool _running;

    public string DeviceId => deviceId;

    /// <summary>An RFID reader (batches go to its gate grain); otherwise an AGV.</summary>
    public bool IsReader => isReader;

    /// <summary>The device's loop: completes once everything added before it started, and meanwhile, is accepted or given up.</summary>
    public Task Loop { get; set; } = Task.CompletedTask;

    /// <summary>Accepted batches whose items may still be storing their changes. Only the device's loop touches it while it runs.</summary>
    public Queue<Task> Settling { get; } = new();

    /// <summary>Nothing waiting, no batch under way and nothing left to settle: the lane may forget the device.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                // Not running means the loop has ended and no longer touches Settling.
                return !_running && Settling.All(t => t.IsCompleted);
            }
        }
    }

    /// <summary>Adds messages in order. True when the device was idle and the caller must start its loop.</summary>
    public bool Add(IEnumerable<DeviceMessage> messages)
    {
        lock (_gate)
        {
            _waiting.AddRange(messages);
            if (_running)
            {
                return false;
            }

            _running = true;
            return true;
        }
    }

    /// <summary>The next batch (at most <paramref name="max"/> messages, oldest first), or null, which ends the loop.</summary>
    public List<DeviceMessage>? Take(int max)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _running = false;
                return null;
            }

            if (_waiting.Count <= max)
            {
                var all = _waiting;
                _waiting = [];
                return all;
            }

            var first = _waiting.GetRange(0, max);
            _waiting.RemoveRange(0, max);
            return first;
        }
    }
}
