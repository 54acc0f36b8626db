using Orleans.Concurrency;

namespace Tracking.Grains.Interfaces.Devices;

/// <summary>
/// One RFID reader, keyed by reader id. Takes batches of raw reads, deduplicates them (arrival on first read,
/// zone by strongest antenna with hysteresis, departure after silence) and calls item grains only on changes.
/// </summary>
public interface IRfidGateGrain : IGrainWithStringKey
{
    /// <summary>Deduplicates the batch and returns once every item has its changes (<see cref="AcceptAsync"/> + <see cref="WhenObservedAsync"/>).</summary>
    Task ProcessAsync(RfidReadBatch batch);

    /// <summary>
    /// Deduplicates the batch and starts telling the items of its changes (in order per tag, after any earlier batch's
    /// calls for that tag), then returns at once: the gate's turn is not held while items store their changes, so the
    /// next batch can be deduplicated meanwhile. The returned ticket completes with <see cref="WhenObservedAsync"/>.
    /// </summary>
    Task<Guid> AcceptAsync(RfidReadBatch batch);

    /// <summary>
    /// Returns once every item of the accepted batch has stored its change (what the bridge waits for before it
    /// acknowledges the device message). Throws NotFound for a ticket this activation did not issue (e.g. the gate was
    /// reactivated since): the caller must then treat the batch as not delivered.
    /// </summary>
    [AlwaysInterleave]
    Task WhenObservedAsync(Guid ticket);

    Task<GateStatus> GetStatusAsync();

    /// <summary>Called periodically by the bridge's watchdog: raises (or clears) the silent-reader alert.</summary>
    Task CheckHealthAsync();
}

[GenerateSerializer, Immutable]
public sealed record RfidRead(
    [property: Id(0)] string Epc,
    [property: Id(1)] int Antenna,
    [property: Id(2)] double PeakRssi,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int ReadCount = 1);

[GenerateSerializer, Immutable]
public sealed record RfidReadBatch(
    [property: Id(0)] string ReaderId,
    [property: Id(1)] IReadOnlyList<RfidRead> Reads);

[GenerateSerializer, Immutable]
public sealed record GateStatus(
    [property: Id(0)] string ReaderId,
    [property: Id(1)] string Warehouse,
    [property: Id(2)] double ReadsPerSecond,
    [property: Id(3)] long TotalReads,
    [property: Id(4)] DateTimeOffset? LastSeen,
    [property: Id(5)] bool Silent,
    [property: Id(6)] int TagsInField,
    [property: Id(7)] long Arrivals = 0,
    [property: Id(8)] long ZoneChanges = 0,
    [property: Id(9)] long Departures = 0);
