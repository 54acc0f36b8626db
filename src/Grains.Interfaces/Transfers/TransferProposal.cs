using Tracking.Grains.Interfaces.Regions;

namespace Tracking.Grains.Interfaces.Transfers;

/// <summary>
/// One move the planner proposes, with its reasons: the backlog-days (items waiting / daily capacity) of the stage at
/// both ends before and after the whole plan (null = no capacity there), the lane and its cost, and the waiting it saves.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TransferProposal(
    [property: Id(0)] string From,
    [property: Id(1)] string To,
    [property: Id(2)] BacklogStage Stage,
    [property: Id(3)] int Quantity,
    [property: Id(4)] decimal CostPerItem,
    [property: Id(5)] decimal TotalCost,
    [property: Id(6)] double TransitHours,
    [property: Id(7)] double? FromBacklogDaysBefore,
    [property: Id(8)] double? FromBacklogDaysAfter,
    [property: Id(9)] double? ToBacklogDaysBefore,
    [property: Id(10)] double? ToBacklogDaysAfter,
    [property: Id(11)] double WaitingItemDaysSaved,
    [property: Id(12)] string Explanation);
