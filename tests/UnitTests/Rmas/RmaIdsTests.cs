using Tracking.Api.Rmas;
using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.UnitTests.Rmas;

public sealed class RmaIdsTests
{
    [Fact]
    public void A_server_chosen_id_is_RMA_and_16_hex_digits_and_never_the_same_twice()
    {
        var ids = Enumerable.Range(0, 1_000).Select(_ => RmaIds.New()).ToList();

        Assert.All(ids, id => Assert.Matches("^RMA-[0-9A-F]{16}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task An_id_someone_holds_is_replaced_by_a_fresh_one()
    {
        var drawn = new Queue<string>(["RMA-TAKEN", "RMA-FREE"]);
        var tried = new List<string>();

        var (id, created) = await RmaIds.CreateUnderFreshIdAsync(drawn.Dequeue, candidate =>
        {
            tried.Add(candidate);
            return candidate == "RMA-TAKEN"
                ? throw DomainException.Conflict(RmaErrors.Exists, $"RMA {candidate} already exists.")
                : Task.FromResult($"created {candidate}");
        });

        Assert.Equal("RMA-FREE", id);
        Assert.Equal("created RMA-FREE", created);
        Assert.Equal(["RMA-TAKEN", "RMA-FREE"], tried);
    }

    [Fact]
    public async Task Any_other_refusal_is_the_callers_answer_at_once()
    {
        var draws = 0;

        var refused = await Assert.ThrowsAsync<DomainException>(() => RmaIds.CreateUnderFreshIdAsync<string>(
            () => $"RMA-{++draws}",
            candidate => throw DomainException.Invalid("invalid-rma", $"RMA {candidate}: no lines.")));

        Assert.Equal("invalid-rma", refused.Code);
        Assert.Equal(1, draws);
    }

    [Fact]
    public async Task Collisions_on_every_attempt_are_reported_after_the_last_one()
    {
        var draws = 0;

        var refused = await Assert.ThrowsAsync<DomainException>(() => RmaIds.CreateUnderFreshIdAsync<string>(
            () => $"RMA-{++draws}",
            candidate => throw DomainException.Conflict(RmaErrors.Exists, $"RMA {candidate} already exists.")));

        Assert.Equal(RmaErrors.Exists, refused.Code);
        Assert.Equal(RmaIds.Attempts, draws);
    }
}
