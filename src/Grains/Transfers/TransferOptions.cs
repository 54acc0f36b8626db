using Tracking.Grains.Regions;

namespace Tracking.Grains.Transfers;

/// <summary>The <c>Tracking:Transfers</c> section: planning, auto-approval and the clocks of the transfer lifecycle.</summary>
public sealed class TransferOptions
{
    public const string Section = "Tracking:Transfers";

    public AutoApprovePolicy AutoApprove { get; set; } = new();

    public PlannerOptions Planner { get; set; } = new();

    /// <summary>Each hub plans this often by itself (a durable reminder, at least 1 minute); 0 = only on demand.</summary>
    public double PlanIntervalMinutes { get; set; }

    /// <summary>A transfer not arrived this long after its ETA raises a TransferOverdue alert.</summary>
    public double OverdueGraceMinutes { get; set; } = 60;

    /// <summary>After the last arrival read, wait this long for stragglers before marking the rest missing.</summary>
    public double ArrivalSettleSeconds { get; set; } = 120;
}

public sealed class PlannerOptions
{
    /// <inheritdoc cref="PlannerSettings.WaitingCostPerItemDay"/>
    public double WaitingCostPerItemDay { get; set; } = 2.0;

    /// <inheritdoc cref="PlannerSettings.CapabilityGapItemDays"/>
    public double CapabilityGapItemDays { get; set; } = 30;

    public int MaxSegmentsPerQueue { get; set; } = 200;

    public double TimeLimitSeconds { get; set; } = 10;

    public PlannerSettings ToSettings() =>
        new(WaitingCostPerItemDay, CapabilityGapItemDays, MaxSegmentsPerQueue, TimeSpan.FromSeconds(TimeLimitSeconds));
}
