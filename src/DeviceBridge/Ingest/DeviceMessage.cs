using Tracking.Grains.Interfaces.Devices;

namespace Tracking.DeviceBridge.Ingest;

/// <summary>A parsed, validated device message on its way to a grain. <see cref="DeviceId"/> picks the lane (per-device order).</summary>
public abstract record DeviceMessage(string DeviceId);

public sealed record RfidMessage(string ReaderId, IReadOnlyList<RfidRead> Reads) : DeviceMessage(ReaderId);

public sealed record AgvStateMessage(string AgvId, AgvStateReport Report) : DeviceMessage(AgvId);

public sealed record AgvConnectionMessage(string AgvId, AgvConnectionReport Report) : DeviceMessage(AgvId);
