using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Transfers;
using Tracking.Grains.Transfers;

namespace Tracking.UnitTests.Transfers;

public sealed class TransferLifecycleTests
{
    [Fact]
    public void A_transfer_goes_from_planned_to_closed_step_by_step()
    {
        TransferStatus[] path = [TransferStatus.Planned, TransferStatus.Approved, TransferStatus.Staged, TransferStatus.InTransit, TransferStatus.Arrived, TransferStatus.Received, TransferStatus.Closed];

        for (var i = 1; i < path.Length; i++)
        {
            Assert.True(TransferLifecycle.CanMove(path[i - 1], path[i]), $"{path[i - 1]} -> {path[i]}");
        }
    }

    [Theory]
    [InlineData(TransferStatus.Planned, TransferStatus.InTransit)]
    [InlineData(TransferStatus.Approved, TransferStatus.InTransit)]
    [InlineData(TransferStatus.Staged, TransferStatus.Cancelled)]
    [InlineData(TransferStatus.InTransit, TransferStatus.Cancelled)]
    [InlineData(TransferStatus.Received, TransferStatus.Planned)]
    [InlineData(TransferStatus.Closed, TransferStatus.Approved)]
    [InlineData(TransferStatus.Cancelled, TransferStatus.Approved)]
    public void Skipping_or_reversing_a_step_is_refused_with_a_conflict_that_says_what_is_allowed(TransferStatus from, TransferStatus to)
    {
        var ex = Assert.Throws<DomainException>(() => TransferLifecycle.EnsureCanMove("TR-1", from, to));

        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Equal("transfer-illegal-transition", ex.Code);
        Assert.Contains($"Transfer TR-1 is {from} and cannot become {to}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_planned_and_approved_transfers_can_be_cancelled()
    {
        var cancellable = Enum.GetValues<TransferStatus>().Where(s => TransferLifecycle.CanMove(s, TransferStatus.Cancelled));

        Assert.Equal([TransferStatus.Planned, TransferStatus.Approved], cancellable);
    }

    [Fact]
    public void On_receipt_everything_staged_or_departed_but_not_arrived_is_missing()
    {
        var at = DateTimeOffset.UnixEpoch;
        TransferItem[] items =
        [
            new("E1", TransferItemState.Arrived, at, null),
            new("E2", TransferItemState.Departed, at, null),
            new("E3", TransferItemState.Staged, at, null),
            new("E4", TransferItemState.Unexpected, at, null),
        ];

        Assert.Equal(["E2", "E3"], TransferLifecycle.MissingOnReceipt(items));
        Assert.False(TransferLifecycle.AllArrived(items));
        Assert.True(TransferLifecycle.AllArrived([items[0], items[3]]));
        Assert.False(TransferLifecycle.AllArrived([items[3]]));
    }
}
