using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Locations;

namespace Tracking.UnitTests.Locations;

public sealed class LocationContentsChangesTests
{
    private readonly Dictionary<string, LocationItem> _items = new(StringComparer.Ordinal);
    private readonly LocationContentsChanges _changes = new();

    [Fact]
    public void Nothing_is_pending_until_something_changes()
    {
        Assert.False(_changes.Pending);

        _changes.Header();

        Assert.True(_changes.Pending);
        var change = _changes.Take(_items, ["R-1"], 3);
        Assert.Empty(change.Placed);
        Assert.Empty(change.Removed);
        Assert.Equal(["R-1"], change.Reservations);
    }

    [Fact]
    public void A_change_set_holds_the_items_that_changed_as_they_are_now_and_the_ones_that_left()
    {
        _items["B"] = Item("B", ItemStatus.Received);
        _items["UNTOUCHED"] = Item("UNTOUCHED", ItemStatus.Received);
        _changes.Loaded(["B", "UNTOUCHED"]);
        Place("A", ItemStatus.Received);
        Place("A", ItemStatus.Graded);
        _changes.Item("B");
        _items.Remove("B");

        var change = _changes.Take(_items, ["R-1"], 7);

        Assert.Equal([Item("A", ItemStatus.Graded)], change.Placed);
        Assert.Equal(["B"], change.Removed);
        Assert.Equal(["R-1"], change.Reservations);
        Assert.Equal(7, change.Version);
        Assert.False(_changes.Pending);
    }

    [Fact]
    public void A_failed_write_is_pending_again_and_its_items_are_taken_with_their_newest_values()
    {
        Place("A", ItemStatus.Received);
        Place("B", ItemStatus.Received);
        var failed = _changes.Take(_items, [], 2);
        Place("A", ItemStatus.Graded);

        _changes.Failed(failed);
        var retry = _changes.Take(_items, [], 3);

        Assert.Equal([Item("A", ItemStatus.Graded), Item("B", ItemStatus.Received)], retry.Placed.OrderBy(i => i.ItemId));
        Assert.Empty(retry.Removed);
    }

    [Fact]
    public void An_item_that_came_and_went_between_two_writes_costs_no_row()
    {
        Place("A", ItemStatus.Received);
        _items.Remove("A");

        var change = _changes.Take(_items, [], 1);

        Assert.Empty(change.Placed);
        Assert.Empty(change.Removed);
    }

    [Fact]
    public void An_item_the_rows_hold_is_removed_from_them_when_it_leaves()
    {
        _items["LOADED"] = Item("LOADED", ItemStatus.Received);
        _changes.Loaded(["LOADED"]);
        Place("A", ItemStatus.Received);
        _changes.Stored(_changes.Take(_items, [], 1));

        _items.Remove("LOADED");
        _changes.Item("LOADED");
        _items.Remove("A");
        _changes.Item("A");
        var change = _changes.Take(_items, [], 2);

        Assert.Equal(["A", "LOADED"], change.Removed.Order());
    }

    [Fact]
    public void An_item_of_a_failed_write_counts_as_stored_since_the_write_may_have_committed()
    {
        Place("A", ItemStatus.Received);
        _changes.Failed(_changes.Take(_items, [], 1));

        _items.Remove("A");
        var change = _changes.Take(_items, [], 2);

        Assert.Equal(["A"], change.Removed);
    }

    private void Place(string id, ItemStatus status)
    {
        _items[id] = Item(id, status);
        _changes.Item(id);
    }

    private static LocationItem Item(string id, ItemStatus status) => new(id, "SKU", status, null, null, 0, null, false);
}
