namespace Tracking.Grains.Hosting;

/// <summary>
/// Whether the silo a grain runs on is leaving the cluster. While it shuts down, grains still finish their work (the
/// device bridge drains into them) but calls that need a new activation, such as a stream queue or another grain's
/// report, can find no silo to place it on. Such failures are expected then and are logged quietly.
/// </summary>
public static class SiloShutdown
{
    public static bool SiloIsStopping(this Grain grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        return grain.GrainContext.ActivationServices.GetService(typeof(ISiloStatusOracle)) is ISiloStatusOracle oracle && oracle.CurrentStatus.IsTerminating();
    }
}
