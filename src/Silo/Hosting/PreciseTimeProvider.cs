using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tracking.Silo.Hosting;

/// <summary>
/// <see cref="TimeProvider.System"/> whose short timers fire on time. .NET's timers (and with them <c>Task.Delay</c> and
/// Orleans grain timers) count in <see cref="Environment.TickCount64"/>, which on Linux reads the coarse monotonic clock:
/// it moves in kernel ticks, 4 ms on this project's machines, so a 1 ms timer fires after 4 ms. That put a 4 ms step
/// under the live streams' 1 ms poll and the 2 ms delta gap (docs/benchmarks.md, docs/decisions/0010). Timers due within
/// <see cref="ShortDue"/> are kept by one scheduler thread that waits on a monitor, which wakes within about 0.1 ms of
/// the time asked for; longer ones stay system timers, where 4 ms does not matter and the scheduler need not hold them.
/// </summary>
public sealed class PreciseTimeProvider : TimeProvider
{
    /// <summary>Due times up to this go to the precise scheduler.</summary>
    public static readonly TimeSpan ShortDue = TimeSpan.FromMilliseconds(50);

    private readonly PreciseTimerScheduler _scheduler = new();

    public static PreciseTimeProvider Shared { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new PreciseTimer(_scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }
}

/// <summary>
/// A timer of <see cref="PreciseTimeProvider"/>. Like <see cref="System.Threading.Timer"/> it captures the creator's
/// execution context, runs callbacks on the thread pool, and a callback may still run after <see cref="Change"/> or
/// <see cref="Dispose"/> if it was already due.
/// </summary>
internal sealed class PreciseTimer : ITimer
{
    private const long MaxSupportedMilliseconds = 0xfffffffe;

    private readonly PreciseTimerScheduler _scheduler;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private readonly ExecutionContext? _context;
    private readonly Lock _lock = new();
    private ITimer? _longTimer;
    private TimeSpan _period = Timeout.InfiniteTimeSpan;
    private long _generation;
    private long _longGeneration;
    private long _longDueAt;
    private bool _disposed;

    public PreciseTimer(PreciseTimerScheduler scheduler, TimerCallback callback, object? state)
    {
        _scheduler = scheduler;
        _callback = callback;
        _state = state;
        _context = ExecutionContext.Capture();
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        Validate(dueTime, nameof(dueTime));
        Validate(period, nameof(period));
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            // A new generation makes every tick scheduled before this change stale.
            _generation++;
            _period = period;
            _longTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            Arm(dueTime);
            return true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _generation++;
            _longTimer?.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The scheduler (or the long system timer) says tick <paramref name="generation"/> is due.</summary>
    internal void Fire(long generation)
    {
        lock (_lock)
        {
            if (_disposed || generation != _generation)
            {
                return;
            }

            // A generation fires once: the next tick, if periodic, is a new one a period from now (as
            // System.Threading.Timer does, without catching up), and a late duplicate of this one is ignored.
            _generation++;
            if (_period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero)
            {
                Arm(_period);
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static t => t.Invoke(), this, preferLocal: false);
    }

    /// <summary>Schedules the current generation <paramref name="due"/> from now. Called under the lock.</summary>
    private void Arm(TimeSpan due)
    {
        var generation = _generation;
        var dueAt = Stopwatch.GetTimestamp() + (long)(due.TotalSeconds * Stopwatch.Frequency);
        if (due <= PreciseTimeProvider.ShortDue)
        {
            _scheduler.Schedule(this, dueAt, generation);
            return;
        }

        // The long timer fires this generation; a later Change moves it again or stops it. It need not carry the
        // caller's execution context: the callback runs in the one captured at creation.
        if (_longTimer is null)
        {
            using (ExecutionContext.SuppressFlow())
            {
                _longTimer = TimeProvider.System.CreateTimer(static s => ((PreciseTimer)s!).FireLong(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        _longGeneration = generation;
        _longDueAt = dueAt;
        _longTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void FireLong()
    {
        long generation;
        lock (_lock)
        {
            // A callback of an earlier arming that ran late, after a Change re-armed the long timer, must not fire the
            // new generation early; nor may the coarse clock's own early firing. Either way the long timer is set again
            // for what is left (setting it again is harmless when it is already set for that), so nothing is dropped.
            var left = _longDueAt - Stopwatch.GetTimestamp();
            if (!_disposed && left > Stopwatch.Frequency / 1000)
            {
                _longTimer?.Change(TimeSpan.FromSeconds((double)left / Stopwatch.Frequency), Timeout.InfiniteTimeSpan);
                return;
            }

            generation = _longGeneration;
        }

        Fire(generation);
    }

    private void Invoke()
    {
        if (_context is null)
        {
            _callback(_state);
            return;
        }

        ExecutionContext.Run(_context, static t => ((PreciseTimer)t!)._callback(((PreciseTimer)t!)._state), this);
    }

    private static void Validate(TimeSpan value, string name)
    {
        var ms = (long)value.TotalMilliseconds;
        if (ms < -1 || ms > MaxSupportedMilliseconds)
        {
            throw new ArgumentOutOfRangeException(name, value, "A timer's due time and period must be Timeout.InfiniteTimeSpan or between zero and 4294967294 ms.");
        }
    }
}

/// <summary>
/// One background thread holding the short timers in due order. It sleeps on a monitor until the earliest is due (woken
/// early when an earlier one is scheduled) and hands due timers to the thread pool. A changed timer leaves its old entry
/// behind, ignored when it comes due; entries are never older than <see cref="PreciseTimeProvider.ShortDue"/>.
/// </summary>
internal sealed class PreciseTimerScheduler
{
    private readonly object _gate = new();
    private readonly PriorityQueue<(PreciseTimer Timer, long Generation), long> _due = new();
    private long _wakeAt = long.MaxValue;
    private Thread? _thread;

    public void Schedule(PreciseTimer timer, long dueTimestamp, long generation)
    {
        lock (_gate)
        {
            _due.Enqueue((timer, generation), dueTimestamp);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "Precise timers" };
                _thread.Start();
            }
            else if (dueTimestamp < _wakeAt)
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    private void Run()
    {
        var fired = new List<(PreciseTimer Timer, long Generation)>();
        while (true)
        {
            TakeDue(fired);
            FireAll(fired);
        }
    }

    /// <summary>Waits until something is due and moves it to <paramref name="fired"/>.</summary>
    private void TakeDue(List<(PreciseTimer Timer, long Generation)> fired)
    {
        lock (_gate)
        {
            while (true)
            {
                if (!_due.TryPeek(out _, out var at))
                {
                    _wakeAt = long.MaxValue;
                    Monitor.Wait(_gate);
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                if (at <= now)
                {
                    break;
                }

                _wakeAt = at;
                var ms = (int)Math.Clamp((at - now) * 1000 / Stopwatch.Frequency, 1, int.MaxValue);
                Monitor.Wait(_gate, ms);
            }

            _wakeAt = long.MaxValue;
            var due = Stopwatch.GetTimestamp();
            while (_due.TryPeek(out var entry, out var at) && at <= due)
            {
                _due.Dequeue();
                fired.Add(entry);
            }
        }
    }

    // Its own frame, gone once it returns: the loop never waits with the last timer it fired in a stack slot, which
    // would keep that timer's owner (a stopped silo's stream agent, say) reachable until the next one fires.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FireAll(List<(PreciseTimer Timer, long Generation)> fired)
    {
        foreach (var (timer, generation) in fired)
        {
            timer.Fire(generation);
        }

        fired.Clear();
    }
}
