using System.Runtime.InteropServices;
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
/// grain at most once per flush interval, so the warehouse sees batches, never one call per item event.
/// </summary>
public sealed partial class LocationGrain(
    [PersistentState("location")] IPersistentState<LocationState> state,
    SiteCatalog site,
    IOptions<LifecycleOptions> options,
    ILogger<LocationGrain> logger) : Grain, ILocationGrain
{
    private LocationDefinition _definition = null!;
    private string _warehouse = "";
    private bool _dirty;
    private bool _unsaved;
    private DateTimeOffset _savedAt;
    private IGrainTimer? _timer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        _warehouse = slash > 0 ? key[..slash] : "";
        _definition = (slash > 0 ? site.FindLocation(_warehouse, key[(slash + 1)..]) : null)
            ?? throw DomainException.NotFound("location-not-found", $"Location '{key}' is not in the site layout.");
        var interval = options.Value.LocationFlushInterval;
        _timer = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(interval, interval) { Interleave = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        await FlushAsync(cancellationToken);
        await SaveAsync(cancellationToken);
    }

    public Task<LocationContents> GetContentsAsync() => Task.FromResult(new LocationContents(
        this.GetPrimaryKeyString(),
        _definition.Capacity,
        [.. state.State.Items.Keys.Order(StringComparer.Ordinal)],
        CountBy(i => i.Status)));

    public Task<IReadOnlyList<LocationItem>> FindBySkuAsync(string sku, int limit) =>
        Task.FromResult<IReadOnlyList<LocationItem>>([.. state.State.Items.Values
            .Where(i => string.Equals(i.Sku, sku, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.ItemId, StringComparer.Ordinal)
            .Take(Math.Max(0, limit))]);

    public Task PlaceAsync(LocationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        state.State.Reservations.Remove(item.ItemId);
        if (!state.State.Items.TryGetValue(item.ItemId, out var existing) || existing != item)
        {
            state.State.Items[item.ItemId] = item;
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync(string itemId)
    {
        if (state.State.Items.Remove(itemId) | state.State.Reservations.Remove(itemId))
        {
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryReserveAsync(string itemId)
    {
        if (state.State.Items.ContainsKey(itemId) || state.State.Reservations.Contains(itemId))
        {
            return Task.FromResult(true);
        }

        if (state.State.Items.Count + state.State.Reservations.Count >= _definition.Capacity)
        {
            return Task.FromResult(false);
        }

        state.State.Reservations.Add(itemId);
        Changed();
        return Task.FromResult(true);
    }

    public Task ReleaseReservationAsync(string itemId)
    {
        if (state.State.Reservations.Remove(itemId))
        {
            Changed();
        }

        return Task.CompletedTask;
    }

    public Task<LocationSummary> GetSummaryAsync() => Task.FromResult(Summary());

    private void Changed()
    {
        state.State.Version++;
        _dirty = true;
        _unsaved = true;
    }

    /// <summary>Reports the changed summary to the warehouse every flush interval; stores the contents less often.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_unsaved && DateTimeOffset.UtcNow - _savedAt >= options.Value.LocationPersistInterval)
        {
            await SaveAsync(cancellationToken);
        }

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

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (!_unsaved)
        {
            return;
        }

        _unsaved = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
            _savedAt = DateTimeOffset.UtcNow;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Try again on the next tick.
            _unsaved = true;
            LogFlushProblem(ex);
        }
    }

    private LocationSummary Summary()
    {
        var items = state.State.Items.Values;
        return new LocationSummary(
            _warehouse,
            _definition.Code,
            _definition.Type,
            _definition.Capacity,
            items.Count,
            state.State.Reservations.Count,
            CountBy(i => i.Status),
            CountBy(i => i.Grade),
            CountBy(i => i.Disposition),
            [.. items.Where(i => ItemLifecycle.AwaitingGrade.Contains(i.Status))],
            state.State.Version);
    }

    // Plain loops rather than GroupBy: a dock holding thousands of items reports every flush interval, and the
    // groupings' arrays were a visible share of the ingest benchmark's allocations.
    private Dictionary<TKey, int> CountBy<TKey>(Func<LocationItem, TKey?> key)
        where TKey : struct
    {
        var counts = new Dictionary<TKey, int>();
        foreach (var item in state.State.Items.Values)
        {
            if (key(item) is { } value)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(counts, value, out _)++;
            }
        }

        return counts;
    }

    private Dictionary<ItemStatus, int> CountBy(Func<LocationItem, ItemStatus> key)
    {
        var counts = new Dictionary<ItemStatus, int>();
        foreach (var item in state.State.Items.Values)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(counts, key(item), out _)++;
        }

        return counts;
    }

    /// <summary>The contents are a projection of the items, rebuilt by their next changes: a failure while the silo shuts down is expected.</summary>
    private void LogFlushProblem(Exception ex)
    {
        if (this.SiloIsStopping())
        {
            LogFlushSkippedWhileStopping(this.GetPrimaryKeyString(), ex.Message);
        }
        else
        {
            LogFlushFailed(ex, this.GetPrimaryKeyString());
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Location {LocationId} could not store or report its summary while the silo shuts down ({Reason})")]
    private partial void LogFlushSkippedWhileStopping(string locationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Location {LocationId} could not store or report its summary; retrying")]
    private partial void LogFlushFailed(Exception ex, string locationId);
}
