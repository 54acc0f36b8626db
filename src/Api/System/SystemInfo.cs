namespace Tracking.Api.System;

/// <summary>What the UI and operators need to know about the running system: which modes are on.</summary>
public sealed record SystemInfo(string Cluster, string Storage, string Broker, bool Simulator, bool Demo, string Version);
