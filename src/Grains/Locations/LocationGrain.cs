using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Hosting;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Items;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Locations;

/// <summary>
/// One location: item grains place and remove themselves here; a timer sends the changed summary to the warehouse
/// grain at most once per flush interval, so the warehouse sees batches, never one call per item event, and stores the
/// items that changed (not the whole contents) at most once per persist interval.
/// </summary>
public sealed partial class LocationGrain(
    [PersistentState("location")] IPersistentState<LocationState> legacy,
    ILocationContentsStore store,
    SiteCatalog site,
    IOptions<LifecycleOptions> options,
    ILogger<LocationGrain> logger) : Grain, ILocationGrain
{
    private readonly LocationItems _items = new();
    private readonly HashSet<string> _reservations = new(StringComparer.Ordinal);
    private readonly LocationContentsChanges _unsaved = new();
    private LocationDefinition _definition = null!;
    private string _warehouse = "";
    private long _version;

    // Names this activation in its reports: after a crash the location comes back with the version it last stored, which
    // may be lower than what it reported before, and the warehouse must not take its reports for stale ones.
    private readonly Guid _activation = Guid.NewGuid();
    private bool _dirty;
    private bool _legacyToClear;
    private DateTimeOffset _savedAt;
    private Task _saving = Task.CompletedTask;
    private IGrainTimer? _timer;

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string LocationId => _key ??= this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = LocationId;
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        _warehouse = slash > 0 ? key[..slash] : "";
        _definition = (slash > 0 ? site.FindLocation(_warehouse, key[(slash + 1)..]) : null)
            ?? throw DomainException.NotFound("location-not-found", $"Location '{key}' is not in the site layout.");
        var stored = await store.ReadAsync(key, cancellationToken);
        if (stored is not null)
        {
            Load(stored.Items, stored.Reservations, stored.Version);
            _unsaved.Loaded(_items.Keys);
        }

        // Contents stored by an earlier version as one grain-state payload: moved to the rows once (unless rows already
        // exist: a stop came between the move and the clear), then cleared by the next write.
        var old = legacy.State;
        if (old.Items.Count > 0 || old.Reservations.Count > 0)
        {
            if (stored is null)
            {
                Load(old.Items.Values, old.Reservations, old.Version);
                foreach (var id in _items.Keys)
                {
                    _unsaved.Item(id);
                }
            }

            _unsaved.Header();
            _legacyToClear = true;
        }

        // Interleaving: a store or a report in flight does not hold up the items placing themselves meanwhile; what
        // they change is pending for the next write (LocationContentsChanges).
        var interval = options.Value.LocationFlushInterval;
        _timer = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(interval, interval) { Interleave = true });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await ReportAsync();
        await SaveAsync(cancellationToken);
    }

    public Task<LocationContents> GetContentsAsync() => Task.FromResult(new LocationContents(
        LocationId,
        _definition.Capacity,
        [.. _items.Keys.Order(StringComparer.Ordinal)],
        _items.ByStatus()));

    public Task<IReadOnlyList<LocationItem>> FindBySkuAsync(string sku, int limit) =>
        Task.FromResult<IReadOnlyList<LocationItem>>([.. _items.Values
            .Where(i => string.Equals(i.Sku, sku, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.ItemId, StringComparer.Ordinal)
            .Take(Math.Max(0, limit))]);

    public Task PlaceAsync(LocationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_reservations.Remove(item.ItemId))
        {
            _unsaved.Header();
            Changed();
        }

        if (_items.Set(item))
        {
            _unsaved.Item(item.ItemId);
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string itemId)
    {
        if (_items.Remove(itemId))
        {
            _unsaved.Item(itemId);
            Changed();
        }

        if (_reservations.Remove(itemId))
        {
            _unsaved.Header();
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryReserveAsync(string itemId)
    {
        if (_items.ContainsKey(itemId) || _reservations.Contains(itemId))
        {
            return Task.FromResult(true);
        }

        if (_items.Count + _reservations.Count >= _definition.Capacity)
        {
            return Task.FromResult(false);
        }

        _reservations.Add(itemId);
        _unsaved.Header();
        Changed();
        return Task.FromResult(true);
    }

    public Task ReleaseReservationAsync(string itemId)
    {
        if (_reservations.Remove(itemId))
        {
            _unsaved.Header();
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task<LocationSummary> GetSummaryAsync() => Task.FromResult(Summary());

    public Task<IReadOnlyList<LocationItem>> GetAwaitingInspectionAsync() => Task.FromResult(_items.AwaitingInspection());

    private void Load(IEnumerable<LocationItem> items, IEnumerable<string> reservations, long version)
    {
        foreach (var item in items)
        {
            _items.Set(item);
        }

        _reservations.UnionWith(reservations);
        _version = Math.Max(_version, version);
    }

    private void Changed()
    {
        _version++;
        _dirty = true;
    }

    /// <summary>Stores the changed items every persist interval (in the background of this grain) and reports the changed summary every tick.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_unsaved.Pending && _saving.IsCompleted && DateTimeOffset.UtcNow - _savedAt >= options.Value.LocationPersistInterval)
        {
            _saving = SaveAsync(cancellationToken);
        }

        await ReportAsync();
    }

    private async Task ReportAsync()
    {
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        try
        {
            await GrainFactory.Reference<IWarehouseGrain>(_warehouse).ReportAsync(Summary());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Try again on the next tick.
            _dirty = true;
            LogFlushProblem(ex);
        }
    }

    /// <summary>Writes what changed since the last write; one write at a time, and a failed one is pending again.</summary>
    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
#pragma warning disable VSTHRD003 // Started by this activation: waits for the write in flight before the next.
            await _saving;
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            // A write the timer started is cancelled when the timer goes (at deactivation); its change is pending again,
            // so this write carries it rather than giving up the activation's last save.
        }

        if (!_unsaved.Pending)
        {
            return;
        }

        var change = _unsaved.Take(_items, _reservations, _version);
        try
        {
            await store.WriteAsync(LocationId, change, cancellationToken);
            _unsaved.Stored(change);
            _savedAt = DateTimeOffset.UtcNow;
            if (_legacyToClear)
            {
                await legacy.ClearStateAsync(cancellationToken);
                _legacyToClear = false;
            }
        }
        catch (Exception ex)
        {
            _unsaved.Failed(change);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            LogFlushProblem(ex);
        }
    }

    private LocationSummary Summary() => new(
        _warehouse,
        _definition.Code,
        _definition.Type,
        _definition.Capacity,
        _items.Count,
        _reservations.Count,
        _items.ByStatus(),
        _items.ByGrade(),
        _items.ByDisposition(),
        _version,
        DateTimeOffset.UtcNow,
        _activation);

    /// <summary>The contents are a projection of the items, rebuilt by their next changes: a failure while the silo shuts down is expected.</summary>
    private void LogFlushProblem(Exception ex)
    {
        if (this.SiloIsStopping())
        {
            LogFlushSkippedWhileStopping(LocationId, ex.Message);
        }
        else
        {
            LogFlushFailed(ex, LocationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Location {LocationId} could not store or report its summary while the silo shuts down ({Reason})")]
    private partial void LogFlushSkippedWhileStopping(string locationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Location {LocationId} could not store or report its summary; retrying")]
    private partial void LogFlushFailed(Exception ex, string locationId);
}
