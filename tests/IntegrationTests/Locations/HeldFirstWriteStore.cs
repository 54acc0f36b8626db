using Tracking.Grains.Locations;

namespace Tracking.IntegrationTests.Locations;

/// <summary>
/// Wraps the real location store and holds its first write until that write is cancelled, so a test can stop a silo
/// while a write is in flight; every later write goes straight to the real store.
/// </summary>
internal sealed class HeldFirstWriteStore
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writes;

    /// <summary>Completes when the held write has begun.</summary>
#pragma warning disable VSTHRD003 // a signal set by the store, not work started elsewhere
    public Task Started => _started.Task;
#pragma warning restore VSTHRD003

    /// <summary>Whether the held write ended by cancellation.</summary>
    public bool WasCancelled { get; private set; }

    public ILocationContentsStore Around(ILocationContentsStore inner) => new Store(this, inner);

    private sealed class Store(HeldFirstWriteStore owner, ILocationContentsStore inner) : ILocationContentsStore
    {
        public Task<StoredLocationContents?> ReadAsync(string locationId, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(locationId, cancellationToken);

        public async Task WriteAsync(string locationId, LocationContentsChange change, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref owner._writes) == 1)
            {
                owner._started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    owner.WasCancelled = true;
                    throw;
                }
            }

            await inner.WriteAsync(locationId, change, cancellationToken);
        }
    }
}
