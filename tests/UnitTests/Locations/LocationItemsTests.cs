using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Items;
using Tracking.Grains.Locations;

namespace Tracking.UnitTests.Locations;

public sealed class LocationItemsTests
{
    private readonly LocationItems _items = new();

    [Fact]
    public void Counts_follow_items_as_they_come_change_and_go()
    {
        _items.Set(Item("A", ItemStatus.Received));
        _items.Set(Item("B", ItemStatus.Received));
        _items.Set(Item("C", ItemStatus.Graded, Grade.B));

        Assert.Equal(new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 2, [ItemStatus.Graded] = 1 }, _items.ByStatus());
        Assert.Equal(new Dictionary<Grade, int> { [Grade.B] = 1 }, _items.ByGrade());

        _items.Set(Item("A", ItemStatus.Dispositioned, Grade.A, Disposition.Restock));
        _items.Remove("C");

        Assert.Equal(new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 1, [ItemStatus.Dispositioned] = 1 }, _items.ByStatus());
        Assert.Equal(new Dictionary<Grade, int> { [Grade.A] = 1 }, _items.ByGrade());
        Assert.Equal(new Dictionary<Disposition, int> { [Disposition.Restock] = 1 }, _items.ByDisposition());
        Assert.Equal(2, _items.Count);
    }

    [Fact]
    public void Setting_an_item_as_it_already_is_or_removing_an_absent_one_changes_nothing()
    {
        Assert.True(_items.Set(Item("A", ItemStatus.Received)));

        Assert.False(_items.Set(Item("A", ItemStatus.Received)));
        Assert.False(_items.Remove("NOT-HERE"));
        Assert.Equal(new Dictionary<ItemStatus, int> { [ItemStatus.Received] = 1 }, _items.ByStatus());
    }

    [Fact]
    public void Only_items_waiting_for_a_grade_are_awaiting_inspection()
    {
        _items.Set(Item("A", ItemStatus.Received));
        _items.Set(Item("B", ItemStatus.AwaitingInspection));
        _items.Set(Item("C", ItemStatus.Graded));

        Assert.Equal(["A", "B"], _items.AwaitingInspection().Select(i => i.ItemId).Order(StringComparer.Ordinal));

        _items.Set(Item("A", ItemStatus.Graded));

        Assert.Equal(["B"], _items.AwaitingInspection().Select(i => i.ItemId));
    }

    [Fact]
    public void The_awaiting_list_handed_out_never_changes_afterwards()
    {
        _items.Set(Item("A", ItemStatus.Received));
        var first = _items.AwaitingInspection();

        Assert.Same(first, _items.AwaitingInspection());

        _items.Set(Item("B", ItemStatus.Received));
        _items.Set(Item("C", ItemStatus.Graded));

        Assert.Equal(["A"], first.Select(i => i.ItemId));
        Assert.Equal(2, _items.AwaitingInspection().Count);
    }

    [Fact]
    public void Counts_handed_out_are_copies()
    {
        _items.Set(Item("A", ItemStatus.Received));
        var counts = _items.ByStatus();

        _items.Set(Item("B", ItemStatus.Received));

        Assert.Equal(1, counts[ItemStatus.Received]);
    }

    /// <summary>The tallies must always equal counting the contents afresh, which is what the summaries did before.</summary>
    [Fact]
    public void After_any_sequence_of_changes_the_tallies_equal_a_fresh_count()
    {
        var random = new Random(7);
        var statuses = Enum.GetValues<ItemStatus>();
        for (var step = 0; step < 5_000; step++)
        {
            var id = $"I-{random.Next(200)}";
            if (random.Next(4) == 0)
            {
                _items.Remove(id);
            }
            else
            {
                Grade? grade = random.Next(3) == 0 ? null : (Grade)random.Next(4);
                Disposition? disposition = random.Next(3) == 0 ? null : (Disposition)random.Next(6);
                _items.Set(Item(id, statuses[random.Next(statuses.Length)], grade, disposition));
            }
        }

        var all = _items.Values.ToList();
        Assert.Equal(all.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count()), _items.ByStatus());
        Assert.Equal(all.Where(i => i.Grade is not null).GroupBy(i => i.Grade!.Value).ToDictionary(g => g.Key, g => g.Count()), _items.ByGrade());
        Assert.Equal(all.Where(i => i.Disposition is not null).GroupBy(i => i.Disposition!.Value).ToDictionary(g => g.Key, g => g.Count()), _items.ByDisposition());
        Assert.Equal(
            all.Where(i => ItemLifecycle.AwaitingGrade.Contains(i.Status)).Select(i => i.ItemId).Order(StringComparer.Ordinal),
            _items.AwaitingInspection().Select(i => i.ItemId).Order(StringComparer.Ordinal));
    }

    private static LocationItem Item(string id, ItemStatus status, Grade? grade = null, Disposition? disposition = null) =>
        new(id, "SKU", status, grade, disposition, 0, null, false);
}
