using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Interfaces.Warehouses;
using Tracking.Grains.Live;
using Tracking.Grains.Transfers;
using Tracking.Grains.Warehouses;

namespace Tracking.Grains.Devices;

/// <summary>
/// One RFID reader (key = reader id). Deduplicates raw reads with <see cref="RfidDeduplicator"/> and tells item grains
/// only about arrivals and zone changes. Its state is transient on purpose (see docs/decisions/0004-rfid-dedup-rules.md):
/// after a restart a tag still in the field is observed once more at the same place, which the item treats as no change.
/// </summary>
public sealed partial class RfidGateGrain(SiteCatalog catalog, IOptions<RfidGateOptions> options, ILogger<RfidGateGrain> logger)
    : Grain, IRfidGateGrain
{
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan ForgetWaitedBatchesAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan SlowObservation = TimeSpan.FromSeconds(2);

    private readonly ReadRate _rate = new();
    private readonly KeyedSequence _tagCalls = new();
    private readonly Dictionary<Guid, AcceptedBatch> _batches = [];
    private WarehouseDefinition _warehouse = null!;
    private ReaderDefinition _reader = null!;
    private RfidDeduplicator _dedup = null!;
    private DateTimeOffset _watchingSince;
    private DateTimeOffset? _lastSeen;
    private DateTimeOffset _lastSummary;
    private long _totalReads;
    private long _arrivals;
    private long _zoneChanges;
    private long _departures;
    // Whether this reader's silent-reader alert is open: unknown (null) until this activation raised or cleared it, since
    // a previous activation may have left one open (a restart while the reader was silent).
    private bool? _silentAlertRaised;

    private string? _key;

    // Decoded once per activation (see ReturnedItemGrain).
    private string ReaderId => _key ??= this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var found = catalog.FindReader(ReaderId)
            ?? throw DomainException.NotFound("reader-unknown", $"Reader '{ReaderId}' is not in the site's device registry.");
        (_warehouse, _reader) = found;
        var antennas = _reader.Antennas.ToDictionary(a => a.Port, a => a.Location);
        _dedup = new RfidDeduplicator(options.Value.ToSettings(), port => antennas.GetValueOrDefault(port));
        _watchingSince = DateTimeOffset.UtcNow;
        this.RegisterGrainTimer(TickAsync, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    public async Task ProcessAsync(RfidReadBatch batch) => await WhenObservedAsync(await AcceptAsync(batch));

    public async Task<Guid> AcceptAsync(RfidReadBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var now = DateTimeOffset.UtcNow;
        var reads = batch.Reads.Sum(r => (long)Math.Max(1, r.ReadCount));
        _totalReads += reads;
        _rate.Add(reads, now);
        _lastSeen = now;
        DeviceMetrics.RfidReads.Add(reads);

        // Synchronous up to here, in this grain's turn: batches are deduplicated one at a time in arrival order.
        var changes = _dedup.Apply(batch.Reads, now);
        var ticket = Guid.NewGuid();
        _batches[ticket] = new AcceptedBatch(ObserveAsync(changes, batch.Reads), now);

        await PublishChangesAsync(changes);
        if (now - _lastSummary >= SummaryInterval && batch.Reads.Count > 0)
        {
            _lastSummary = now;
            var strongest = batch.Reads.MaxBy(r => r.PeakRssi)!;
            await this.PublishLiveAsync(new GateActivity(_warehouse.Code, now, ReaderId, strongest.Antenna, (int)Math.Min(reads, int.MaxValue), null), logger);
        }

        if (_silentAlertRaised != false && await ClearSilentAlertAsync())
        {
            _silentAlertRaised = false;
        }

        return ticket;
    }

    public async Task WhenObservedAsync(Guid ticket)
    {
        if (!_batches.TryGetValue(ticket, out var batch))
        {
            throw DomainException.NotFound("batch-unknown", $"Reader {ReaderId} has no accepted batch {ticket} (the gate may have been reactivated): deliver it again.");
        }

        try
        {
            // Started by AcceptAsync in this activation's turns.
#pragma warning disable VSTHRD003
            await batch.Observed;
#pragma warning restore VSTHRD003
        }
        finally
        {
            _batches.Remove(ticket);
        }
    }

    public Task<GateStatus> GetStatusAsync()
    {
        var now = DateTimeOffset.UtcNow;
        return Task.FromResult(new GateStatus(
            ReaderId, _warehouse.Code, _rate.PerSecond(now), _totalReads, _lastSeen, IsSilent(now), _dedup.TagsInField, _arrivals, _zoneChanges, _departures));
    }

    public async Task CheckHealthAsync()
    {
        if (!IsSilent(DateTimeOffset.UtcNow) || _silentAlertRaised == true)
        {
            return;
        }

        _silentAlertRaised = true;
        LogSilent(logger, ReaderId, options.Value.SilentAfterSeconds);
        try
        {
            var alert = new Alert(SilentAlertId, _warehouse.Code, AlertKind.SilentReader, AlertSeverity.Warning,
                $"Reader {ReaderId} has sent nothing for more than {options.Value.SilentAfterSeconds:0} s.", ReaderId, DateTimeOffset.UtcNow);
            await GrainFactory.Reference<IAlertsGrain>(_warehouse.Code).RaiseAsync(alert);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _silentAlertRaised = null;
            LogAlertFailed(logger, ex, ReaderId);
        }
    }

    private string SilentAlertId => $"silent-reader:{ReaderId}";

    private bool IsSilent(DateTimeOffset now) => now - (_lastSeen ?? _watchingSince) > TimeSpan.FromSeconds(options.Value.SilentAfterSeconds);

    /// <summary>Clears the alert (idempotent); false when that failed, so the next batch tries again.</summary>
    private async Task<bool> ClearSilentAlertAsync()
    {
        try
        {
            await GrainFactory.Reference<IAlertsGrain>(_warehouse.Code).ClearAsync(SilentAlertId);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAlertFailed(logger, ex, ReaderId);
            return false;
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        _tagCalls.Prune();

        // A batch nobody waited for (its caller gave up) is forgotten once done and old enough.
        foreach (var ticket in _batches.Where(b => b.Value.Observed.IsCompleted && now - b.Value.AcceptedAt > ForgetWaitedBatchesAfter).Select(b => b.Key).ToList())
        {
            _batches.Remove(ticket);
        }

        var departed = _dedup.Expire(now);
        await PublishChangesAsync(departed);
    }

    /// <summary>
    /// Tells the items of this batch, in parallel across tags and in order per tag (an arrival always reaches the item
    /// before a zone change, also across batches: a tag's calls are chained after the earlier batches' calls for it).
    /// The returned task completes when every item has its change: the bridge acknowledges the device message to the
    /// broker only after <see cref="WhenObservedAsync"/>, so a crash before an item stored its change means a
    /// redelivery, never a lost read. A read that changes nothing waits too, for its tag's call still in flight: it may be
    /// the same message again (redelivered on a new connection, or a retried hand-off), and confirming it at once would
    /// acknowledge a read whose item never gets its change if that call then fails.
    /// </summary>
    private Task ObserveAsync(IReadOnlyList<TagChange> changes, IReadOnlyList<RfidRead> reads)
    {
        // Calls that finished since the last batch are forgotten now, not at the next tick: kept for up to a second, each
        // one (its task and command) outlived a young-generation collection or two, copied by the collector for nothing.
        _tagCalls.Prune();

        // Before this batch's own calls join the sequence: those of its changed tags wait for the earlier ones anyway.
        HashSet<Task>? earlier = null;
        if (_tagCalls.Count > 0)
        {
            foreach (var read in reads)
            {
                if (_tagCalls.TryGetRunning(read.Epc, out var call))
                {
                    (earlier ??= []).Add(call);
                }
            }
        }

        var calls = earlier is null ? new List<Task>(changes.Count) : [.. earlier];
        foreach (var change in changes)
        {
            if (change.Kind is TagChangeKind.Arrived or TagChangeKind.ZoneChanged)
            {
                var epc = change.Epc;
                var command = new ObserveItem(_warehouse.Code, change.Location!, ReaderId, change.ObservedAt);
                // Skipped because the tag's earlier call failed: the item has neither change, so the tag leaves the field
                // before anyone sees this one fail (a later read, or the same one delivered again, then reports it anew).
                calls.Add(_tagCalls.RunAsync(epc, () => ObserveWithRetryAsync(epc, command), () => _dedup.Forget(epc)));
            }
        }

        return calls.Count == 0 ? Task.CompletedTask : Task.WhenAll(calls);
    }

    private async Task ObserveWithRetryAsync(string epc, ObserveItem command)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Dock gates also tell the item's transfer (departure / arrival); other gates just observe.
                await GrainFactory.ObserveAtGateAsync(_reader.Kind, epc, command);
                ReportDuration(epc, started);
                return;
            }
            catch (DomainException ex)
            {
                // The item's lifecycle said no (e.g. a finished item passing a gate): nothing to retry.
                DeviceMetrics.ItemObservationFailures.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));
                LogRejected(logger, epc, ReaderId, ex.Code, ex.Message);
                return;
            }
            catch (Exception ex)
            {
                var shutdown = ex is OperationCanceledException;
                if (shutdown || attempt >= options.Value.ObservationAttempts)
                {
                    // The item never got this change: the batch must not be acknowledged (the task fails), and the
                    // tag leaves the field so that the redelivered read, or the tag's next one, reports it again.
                    _dedup.Forget(epc);
                    DeviceMetrics.ItemObservationFailures.Add(1, new KeyValuePair<string, object?>("outcome", "gave-up"));
                    if (!shutdown)
                    {
                        LogObserveGaveUp(logger, ex, epc, ReaderId, attempt);
                    }

                    throw;
                }

                // Transient (silo moving, storage hiccup): try again shortly, in order with this tag's later changes.
                DeviceMetrics.ItemObservationFailures.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
                if (attempt == 1)
                {
                    LogObserveFailed(logger, ex, epc, ReaderId);
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>
    /// The bridge acknowledges device messages in the order they arrived, on one broker connection for all devices (MQTT
    /// requires it for QoS 1), and a message is acknowledged only once its items have it. One slow observation therefore
    /// holds every device's acknowledgements; it succeeds, so nothing else would say so.
    /// </summary>
    private void ReportDuration(string epc, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        DeviceMetrics.ObservationDuration.Record(elapsed.TotalMilliseconds);
        if (elapsed >= SlowObservation)
        {
            LogSlowObservation(logger, epc, ReaderId, elapsed.TotalSeconds);
        }
    }

    /// <summary>
    /// Counts every change but publishes one live event per batch: the map shows a gate's read count and its latest tag,
    /// so one event per change only cost a stream call each, awaited in turn, and a gate with thousands of tags departing
    /// at once was blocked for seconds (measured by the benchmark, see docs/benchmarks.md).
    /// </summary>
    private async Task PublishChangesAsync(IReadOnlyList<TagChange> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var reads = 0;
        foreach (var change in changes)
        {
            var kind = change.Kind.ToString();
            DeviceMetrics.RfidChanges.Add(1, new KeyValuePair<string, object?>("kind", kind));
            switch (change.Kind)
            {
                case TagChangeKind.Arrived:
                    _arrivals++;
                    break;
                case TagChangeKind.ZoneChanged:
                    _zoneChanges++;
                    break;
                default:
                    _departures++;
                    break;
            }

            reads += change.Reads;
        }

        var last = changes[^1];
        await this.PublishLiveAsync(new GateActivity(_warehouse.Code, DateTimeOffset.UtcNow, ReaderId, last.Antenna, reads, last.Epc), logger);
    }

    private sealed record AcceptedBatch(Task Observed, DateTimeOffset AcceptedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reader {ReaderId} has been silent for more than {Seconds} s")]
    private static partial void LogSilent(ILogger logger, string readerId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silent-reader alert for {ReaderId} could not be raised or cleared")]
    private static partial void LogAlertFailed(ILogger logger, Exception ex, string readerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Item {Epc} rejected the observation from reader {ReaderId}: {Code} {Message}")]
    private static partial void LogRejected(ILogger logger, string epc, string readerId, string code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Item {Epc} took {Seconds:0.0} s to take the observation of reader {ReaderId}; device acknowledgements waited for it")]
    private static partial void LogSlowObservation(ILogger logger, string epc, string readerId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Observation of item {Epc} by reader {ReaderId} failed; retrying every second")]
    private static partial void LogObserveFailed(ILogger logger, Exception ex, string epc, string readerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Observation of item {Epc} by reader {ReaderId} failed {Attempts} time(s); its reads stay unacknowledged and the tag's next read reports it again")]
    private static partial void LogObserveGaveUp(ILogger logger, Exception ex, string epc, string readerId, int attempts);
}
