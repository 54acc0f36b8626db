namespace Tracking.Grains.Devices;

/// <summary>RFID gate behaviour (<c>Tracking:Rfid</c>).</summary>
public sealed class RfidGateOptions
{
    public const string Section = "Tracking:Rfid";

    /// <summary>A tag not read for this long has left the gate's field.</summary>
    public double DepartureSilenceSeconds { get; set; } = 5;

    /// <summary>Another location must be this many dB stronger (smoothed) before the tag's zone changes.</summary>
    public double ZoneHysteresisDb { get; set; } = 6;

    /// <summary>Weight of a new read in the exponential RSSI smoothing (0..1].</summary>
    public double RssiSmoothing { get; set; } = 0.3;

    /// <summary>An antenna that has not seen the tag for this long no longer counts for its zone.</summary>
    public double AntennaStaleSeconds { get; set; } = 1;

    /// <summary>A reader with no message for this long raises a silent-reader alert.</summary>
    public double SilentAfterSeconds { get; set; } = 600;

    /// <summary>
    /// Times an item observation is tried (a second apart) before the gate gives up on it: its reads then stay
    /// unacknowledged and the tag's next read (or the redelivered one) reports it again. At least 1.
    /// </summary>
    public int ObservationAttempts { get; set; } = 30;

    public RfidDedupSettings ToSettings() => new(
        TimeSpan.FromSeconds(DepartureSilenceSeconds),
        ZoneHysteresisDb,
        RssiSmoothing,
        TimeSpan.FromSeconds(AntennaStaleSeconds));
}

/// <summary>AGV dispatch behaviour (<c>Tracking:Transport</c>).</summary>
public sealed class TransportOptions
{
    public const string Section = "Tracking:Transport";

    /// <summary>AGVs below this battery charge (percent) get no new task.</summary>
    public double MinBatteryPercent { get; set; } = 30;

    /// <summary>An order not yet echoed by the AGV's state is re-sent this often.</summary>
    public double OrderResendSeconds { get; set; } = 3;

    /// <summary>
    /// An order sent this many times without the AGV's state echoing it fails the attempt (the AGV refused it or is gone).
    /// Tries while the broker is not connected send nothing and do not count.
    /// </summary>
    public int MaxUnacknowledgedSends { get; set; } = 20;

    /// <summary>After this many failed attempts a task is marked Failed instead of re-queued.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How often the dispatcher retries queued tasks and pending completions.</summary>
    public double DispatchIntervalSeconds { get; set; } = 2;
}
