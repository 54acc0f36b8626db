using Npgsql;
using NpgsqlTypes;
using Tracking.Grains.Interfaces.Items;

namespace Tracking.Grains.Journal;

/// <summary>
/// The journal's columns as array parameters (<c>@event_id</c>, <c>@event_item_id</c>, … <c>@event_details</c>), one
/// element per event, for an <c>INSERT … SELECT FROM unnest(…)</c>: the journal's own statement and the batched grain
/// storage's (decision 0002) write the same rows the same way.
/// </summary>
public static class JournalParameters
{
    public static void Add(NpgsqlParameterCollection parameters, IReadOnlyList<ItemEvent> events)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(events);
        parameters.Add(Array("event_id", NpgsqlDbType.Uuid, events.Select(e => e.EventId)));
        parameters.Add(Array("event_item_id", NpgsqlDbType.Text, events.Select(e => e.ItemId)));
        parameters.Add(Array("event_sequence", NpgsqlDbType.Bigint, events.Select(e => e.Sequence)));
        parameters.Add(Array("event_at", NpgsqlDbType.TimestampTz, events.Select(e => e.At.ToUniversalTime())));
        parameters.Add(Array("event_type", NpgsqlDbType.Text, events.Select(e => e.Type)));
        parameters.Add(Array("event_actor_kind", NpgsqlDbType.Text, events.Select(e => e.Actor.Kind.ToString())));
        parameters.Add(Array("event_actor_id", NpgsqlDbType.Text, events.Select(e => e.Actor.Id)));
        parameters.Add(Array("event_warehouse", NpgsqlDbType.Text, events.Select(e => e.Warehouse)));
        parameters.Add(Array("event_location", NpgsqlDbType.Text, events.Select(e => e.Location)));
        parameters.Add(Array("event_status_before", NpgsqlDbType.Text, events.Select(e => e.Before?.ToString())));
        parameters.Add(Array("event_status_after", NpgsqlDbType.Text, events.Select(e => e.After.ToString())));
        parameters.Add(Array("event_details", NpgsqlDbType.Text, events.Select(e => e.DetailsJson)));
    }

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
