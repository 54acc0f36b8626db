namespace Tracking.Api.Live;

/// <summary>An RFID gate on the map: its read rate and whether it has gone silent.</summary>
public sealed record GateView(string ReaderId, double ReadsPerSecond, long TotalReads, DateTimeOffset? LastSeen, bool Silent, int TagsInField);

/// <summary>Reads a gate made since the last delta (coalesced per reader), so the map can flash it.</summary>
public sealed record GateRead(string ReaderId, int Antenna, int Reads, string? LastEpc);
