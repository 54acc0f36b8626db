using Tracking.Grains.Interfaces.Regions;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Transfers;

namespace Tracking.UnitTests.Transfers;

public sealed class AutoApprovePolicyTests
{
    private static TransferProposal Proposal(int quantity, decimal cost) =>
        new("AMS1", "BER1", BacklogStage.Inspection, quantity, cost / quantity, cost, 10, 2, 1, 0, 1, 10, "test");

    [Fact]
    public void Nothing_is_approved_automatically_unless_the_policy_is_enabled()
    {
        Assert.Null(new AutoApprovePolicy().Approves(Proposal(1, 1), "EU", "EU"));
    }

    [Fact]
    public void A_small_cheap_move_inside_the_region_is_approved_with_the_reason()
    {
        var reason = new AutoApprovePolicy { Enabled = true, MaxItems = 100, MaxTotalCost = 500 }.Approves(Proposal(80, 144), "EU", "EU");

        Assert.Equal("auto-approved: 80 items (limit 100), cost 144.00 (limit 500.00), within one region", reason);
    }

    [Fact]
    public void Moves_over_a_limit_or_across_regions_wait_for_a_manager()
    {
        var policy = new AutoApprovePolicy { Enabled = true, MaxItems = 100, MaxTotalCost = 500 };

        Assert.Null(policy.Approves(Proposal(101, 10), "EU", "EU"));
        Assert.Null(policy.Approves(Proposal(10, 501), "EU", "EU"));
        Assert.Null(policy.Approves(Proposal(10, 10), "EU", "NA"));
        Assert.NotNull(new AutoApprovePolicy { Enabled = true, SameRegionOnly = false, MaxItems = 0, MaxTotalCost = 0 }.Approves(Proposal(10_000, 95_000), "EU", "NA"));
    }
}
