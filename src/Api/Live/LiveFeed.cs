using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Tracking.Grains.Interfaces.Live;

namespace Tracking.Api.Live;

/// <summary>
/// One watched warehouse or region on this silo: a stream subscription feeding a view, and a loop that sends the
/// view's deltas to the SignalR group (paced by <see cref="DeltaPacer"/>: at once when quiet, at most one per
/// <see cref="LiveOptions.FlushInterval"/> while busy) and re-reads the
/// grains every <see cref="LiveOptions.RefreshInterval"/>. Sequence numbers belong to the feed: a new feed (after
/// nobody watched for a while, or on another silo) has a new epoch, and clients resync on an epoch change.
/// </summary>
internal abstract partial class LiveFeed
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private int _signalled;
    private StreamSubscriptionHandle<LiveEvent>? _subscription;
    private Task _loop = Task.CompletedTask;

    protected LiveFeed(string group, string clientMethod, StreamId streamId, LiveFeedContext context)
    {
        Group = group;
        ClientMethod = clientMethod;
        StreamId = streamId;
        Context = context;
    }

    /// <summary>The SignalR group: <c>warehouse:AMS1</c> or <c>region:EU</c>.</summary>
    public string Group { get; }

    public string ClientMethod { get; }

    public StreamId StreamId { get; }

    /// <summary>Connections on this silo watching the feed; guarded by the forwarder's lock.</summary>
    public HashSet<string> Watchers { get; } = new(StringComparer.Ordinal);

    /// <summary>Since when nobody watches; guarded by the forwarder's lock.</summary>
    public DateTimeOffset? EmptySince { get; set; }

    /// <summary>Set once, under the forwarder's lock, when the feed is retired: it must not take new watchers.</summary>
    public bool Retired { get; set; }

    /// <summary>Completes when the subscription is up and the first read of the grains is applied.</summary>
    public Task Ready { get; private set; } = Task.CompletedTask;

    protected LiveFeedContext Context { get; }

    protected Lock ViewLock { get; } = new();

    public void Start() => Ready = StartAsync();

    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        try
        {
#pragma warning disable VSTHRD003 // the loop was started by this feed, not by a caller's context
            await _loop;
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        await UnsubscribeAsync();
        _stopping.Dispose();
        _wake.Dispose();
    }

    /// <summary>The state a joining client starts from, numbered with the last delta it already contains.</summary>
    public abstract object Snapshot();

    protected abstract void ApplyLocked(LiveEvent evt);

    protected abstract object? FlushLocked(DateTimeOffset now);

    protected abstract bool HasPendingLocked { get; }

    /// <summary>What is pending may wait a gap for company (it does not lead a delta); see <see cref="WarehouseView.OnlyGateReadsPending"/>.</summary>
    protected virtual bool CanWaitLocked => false;

    protected abstract Task<object> ReadBaseAsync();

    protected abstract void RebaseLocked(object fresh);

    private async Task StartAsync()
    {
        // Subscribe before the first read: an event during the read is then applied on top of it instead of lost.
        var stream = Context.Client.GetStreamProvider(LiveStreams.Provider).GetStream<LiveEvent>(StreamId);
        _subscription = await stream.SubscribeAsync(OnNextAsync, OnErrorAsync);
        try
        {
            await RefreshAsync();
        }
        catch
        {
            await UnsubscribeAsync();
            throw;
        }

        _loop = Task.Run(RunAsync);
    }

    private Task OnNextAsync(LiveEvent evt, StreamSequenceToken? token)
    {
        LiveMetrics.EventsReceived.Add(1);
        if (LiveMetrics.EventLag.Enabled)
        {
            LiveMetrics.EventLag.Record((Context.Time.GetUtcNow() - evt.At).TotalMilliseconds);
        }

        lock (ViewLock)
        {
            ApplyLocked(evt);
        }

        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _wake.Release();
        }

        return Task.CompletedTask;
    }

    private Task OnErrorAsync(Exception ex)
    {
        LogStreamError(Context.Logger, Group, ex);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var options = Context.Options;
        var time = Context.Time;
        var pacer = new DeltaPacer(options.FlushInterval, options.MaxFlushInterval, options.MaxSendsPerSecond);
        var nextRefresh = time.GetUtcNow() + options.RefreshInterval;
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                bool pending;
                lock (ViewLock)
                {
                    pending = HasPendingLocked;
                }

                if (!pending)
                {
                    var wait = nextRefresh - time.GetUtcNow();
                    var lingerCheck = options.Linger < wait ? options.Linger : wait;
                    await _wake.WaitAsync(lingerCheck > TimeSpan.Zero ? lingerCheck : TimeSpan.Zero, token);
                    Interlocked.Exchange(ref _signalled, 0);
                }

                if (Context.Forwarder.TryRetire(this))
                {
                    break;
                }

                if (time.GetUtcNow() >= nextRefresh)
                {
                    await RefreshAsync();
                    nextRefresh = time.GetUtcNow() + options.RefreshInterval;
                }

                // Leading edge: a quiet feed sends at once. While busy, whatever arrives during the gap goes out together.
                var delay = pacer.DelayAt(time.GetUtcNow());
                bool canWait;
                lock (ViewLock)
                {
                    canWait = CanWaitLocked;
                }

                if (canWait)
                {
                    // Gate reads alone wait a gap (trailing edge); the item change that usually follows wakes the loop
                    // and leads the delta instead.
                    Interlocked.Exchange(ref _signalled, 0);
                    if (await WaitForEventAsync(delay > pacer.Gap ? delay : pacer.Gap, time, token))
                    {
                        Interlocked.Exchange(ref _signalled, 0);
                        continue;
                    }
                }
                else if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, token);
                }

                var started = time.GetUtcNow();
                object? delta;
                lock (ViewLock)
                {
                    delta = FlushLocked(started);
                }

                if (delta is null)
                {
                    if (pending)
                    {
                        // Only throttled changes (AGV positions) are waiting: look again after a gap, not in a spin.
                        await Task.Delay(options.FlushInterval, time, token);
                    }

                    continue;
                }

                await Context.Hub.Clients.Group(Group).SendAsync(ClientMethod, delta, token);
                LiveMetrics.DeltasSent.Add(1);
                pacer.Sent(started, time.GetUtcNow() - started, Context.Forwarder.WatcherCount(this));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A failed send or read must not end the feed: the next round (or the client's resync) heals it.
                LogLoopError(Context.Logger, Group, ex);
                await Task.Delay(options.MaxFlushInterval, time, CancellationToken.None);
            }
        }

        if (!token.IsCancellationRequested)
        {
            await UnsubscribeAsync();
        }
    }

    /// <summary>Waits for the next stream event or the timeout (on the feed's clock), without throwing on the timeout.</summary>
    private async Task<bool> WaitForEventAsync(TimeSpan timeout, TimeProvider time, CancellationToken token)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(token);
        var woken = _wake.WaitAsync(wait.Token);
        await Task.WhenAny(woken, Task.Delay(timeout, time, wait.Token));
        await wait.CancelAsync();
        await woken.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        token.ThrowIfCancellationRequested();
        return woken.IsCompletedSuccessfully;
    }

    private async Task RefreshAsync()
    {
        var fresh = await ReadBaseAsync();
        lock (ViewLock)
        {
            RebaseLocked(fresh);
        }
    }

    private async Task UnsubscribeAsync()
    {
        var subscription = Interlocked.Exchange(ref _subscription, null);
        if (subscription is null)
        {
            return;
        }

        try
        {
            await subscription.UnsubscribeAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnsubscribeFailed(Context.Logger, Group, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Group}: stream error")]
    private static partial void LogStreamError(ILogger logger, string group, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live feed {Group}: delta round failed; retrying")]
    private static partial void LogLoopError(ILogger logger, string group, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live feed {Group}: unsubscribe failed ({Reason})")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string group, string reason);
}

/// <summary>What every feed needs from the silo.</summary>
internal sealed record LiveFeedContext(
    IClusterClient Client,
    IHubContext<LiveHub> Hub,
    LiveBaseReader Reader,
    LiveOptions Options,
    TimeProvider Time,
    LiveForwarder Forwarder,
    ILogger Logger);
