using System.Globalization;
using Tracking.Grains.Interfaces.Transfers;

namespace Tracking.Grains.Transfers;

/// <summary>
/// When a planner proposal needs no manager: policy is off unless enabled; then a proposal is approved
/// automatically only if it stays within the item and cost limits (and inside one region, unless allowed).
/// </summary>
public sealed class AutoApprovePolicy
{
    public bool Enabled { get; set; }

    /// <summary>Largest proposal (items) approved automatically; 0 = no limit.</summary>
    public int MaxItems { get; set; } = 100;

    /// <summary>Largest total transport cost approved automatically; 0 = no limit.</summary>
    public decimal MaxTotalCost { get; set; } = 500m;

    /// <summary>Cross-region moves are slow and dear: leave them to a manager unless this is off.</summary>
    public bool SameRegionOnly { get; set; } = true;

    /// <summary>The reason it was approved, or null when a manager must decide.</summary>
    public string? Approves(TransferProposal proposal, string fromRegion, string toRegion)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        if (!Enabled
            || (MaxItems > 0 && proposal.Quantity > MaxItems)
            || (MaxTotalCost > 0 && proposal.TotalCost > MaxTotalCost)
            || (SameRegionOnly && !string.Equals(fromRegion, toRegion, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var items = MaxItems > 0 ? MaxItems.ToString(CultureInfo.InvariantCulture) : "none";
        var cost = MaxTotalCost > 0 ? MaxTotalCost.ToString("0.00", CultureInfo.InvariantCulture) : "none";
        var region = SameRegionOnly ? ", within one region" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"auto-approved: {proposal.Quantity} items (limit {items}), cost {proposal.TotalCost:0.00} (limit {cost}){region}");
    }
}
