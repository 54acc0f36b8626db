using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Warehouses;

namespace Tracking.Api.Live;

/// <summary>How many items a zone holds (the sum of its locations), by status.</summary>
public sealed record ZoneCount(string Code, ZoneType Type, int Count, int Capacity, IReadOnlyDictionary<ItemStatus, int> ByStatus);
