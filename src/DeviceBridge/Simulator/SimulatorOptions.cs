namespace Tracking.DeviceBridge.Simulator;

/// <summary>The <c>Tracking:Simulator</c> section: simulated RFID gates and AGVs that talk MQTT like real ones.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Tracking:Simulator";

    public bool Enabled { get; set; }

    /// <summary>Mean seconds between two tags passing a gate, per warehouse.</summary>
    public double TagPassSeconds { get; set; } = 5;

    /// <summary>How long a tag stays in a gate's field.</summary>
    public double PassDurationSeconds { get; set; } = 1.5;

    /// <summary>Reads per second per antenna while a tag is in the field (real gates: tens to hundreds).</summary>
    public double ReadsPerSecondPerAntenna { get; set; } = 30;

    /// <summary>RSSI noise (standard deviation, dB) of single reads.</summary>
    public double RssiNoiseDb { get; set; } = 2.5;

    /// <summary>VDA 5050 state messages per second per AGV (1-5).</summary>
    public double AgvStateHz { get; set; } = 2;

    /// <summary>AGV speed in metres per second.</summary>
    public double AgvSpeed { get; set; } = 1.2;

    /// <summary>Chance that a pick or drop action fails.</summary>
    public double FailureRate { get; set; } = 0.02;

    /// <summary>Seed for reproducible runs (benchmarks); random when null.</summary>
    public int? Seed { get; set; }

    /// <summary>Device accounts the simulator uses when the broker refuses anonymous devices.</summary>
    public List<SimulatorCredential> Credentials { get; set; } = [];
}

public sealed class SimulatorCredential
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";
}
