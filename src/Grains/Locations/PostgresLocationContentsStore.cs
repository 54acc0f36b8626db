using Npgsql;
using NpgsqlTypes;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.Grains.Journal;

namespace Tracking.Grains.Locations;

/// <summary>
/// Location contents in PostgreSQL (migration 0012): one statement per change set removes, upserts and updates the
/// header in one transaction, so a stored location is never half written.
/// </summary>
public sealed class PostgresLocationContentsStore(LifecycleDataSource source) : ILocationContentsStore
{
    // Placed and removed never name the same item (LocationContentsChanges), so the two data-modifying parts of the
    // statement never touch the same row.
    private const string Write = """
        WITH removed AS (
            DELETE FROM location_items WHERE location_id = @location_id AND item_id = ANY(@removed)
        ), placed AS (
            INSERT INTO location_items (location_id, item_id, sku, status, grade, disposition, priority, received_at, unexpected)
            SELECT @location_id, * FROM unnest(@item_id, @sku, @status, @grade, @disposition, @priority, @received_at, @unexpected)
            ON CONFLICT (location_id, item_id) DO UPDATE SET
                sku = excluded.sku, status = excluded.status, grade = excluded.grade, disposition = excluded.disposition,
                priority = excluded.priority, received_at = excluded.received_at, unexpected = excluded.unexpected
        )
        INSERT INTO location_contents (location_id, version, reservations, updated_at)
        VALUES (@location_id, @version, @reservations, now())
        ON CONFLICT (location_id) DO UPDATE SET
            version = excluded.version, reservations = excluded.reservations, updated_at = excluded.updated_at
        """;

    private const string ReadHeader = "SELECT version, reservations FROM location_contents WHERE location_id = @location_id";

    private const string ReadItems = """
        SELECT item_id, sku, status, grade, disposition, priority, received_at, unexpected
        FROM location_items WHERE location_id = @location_id
        """;

    private readonly NpgsqlDataSource _dataSource = (source ?? throw new ArgumentNullException(nameof(source))).DataSource;

    public async Task<StoredLocationContents?> ReadAsync(string locationId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        long version;
        string[] reservations;
        await using (var header = new NpgsqlCommand(ReadHeader, connection))
        {
            header.Parameters.AddWithValue("location_id", locationId);
            await using var reader = await header.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            (version, reservations) = ReadHeaderRow(reader);
        }

        var items = new List<LocationItem>();
        await using (var rows = new NpgsqlCommand(ReadItems, connection))
        {
            rows.Parameters.AddWithValue("location_id", locationId);
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(ReadItem(reader));
            }
        }

        return new StoredLocationContents(items, reservations, version);
    }

    public async Task WriteAsync(string locationId, LocationContentsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var cmd = _dataSource.CreateCommand(Write);
        var placed = change.Placed;
        cmd.Parameters.AddWithValue("location_id", locationId);
        cmd.Parameters.AddWithValue("version", change.Version);
        cmd.Parameters.Add(Array("reservations", NpgsqlDbType.Text, change.Reservations));
        cmd.Parameters.Add(Array("removed", NpgsqlDbType.Text, change.Removed));
        cmd.Parameters.Add(Array("item_id", NpgsqlDbType.Text, placed.Select(i => i.ItemId)));
        cmd.Parameters.Add(Array("sku", NpgsqlDbType.Text, placed.Select(i => i.Sku)));
        cmd.Parameters.Add(Array("status", NpgsqlDbType.Text, placed.Select(i => i.Status.ToString())));
        cmd.Parameters.Add(Array("grade", NpgsqlDbType.Text, placed.Select(i => i.Grade?.ToString())));
        cmd.Parameters.Add(Array("disposition", NpgsqlDbType.Text, placed.Select(i => i.Disposition?.ToString())));
        cmd.Parameters.Add(Array("priority", NpgsqlDbType.Integer, placed.Select(i => i.Priority)));
        cmd.Parameters.Add(Array("received_at", NpgsqlDbType.TimestampTz, placed.Select(i => i.ReceivedAt?.ToUniversalTime())));
        cmd.Parameters.Add(Array("unexpected", NpgsqlDbType.Boolean, placed.Select(i => i.Unexpected)));
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    // The row is already buffered (non-sequential reader), so the synchronous getters do not block on I/O.
    private static (long Version, string[] Reservations) ReadHeaderRow(NpgsqlDataReader reader) =>
        (reader.GetInt64(0), reader.GetFieldValue<string[]>(1));

    private static LocationItem ReadItem(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        Enum.Parse<ItemStatus>(reader.GetString(2)),
        reader.IsDBNull(3) ? null : Enum.Parse<Grade>(reader.GetString(3)),
        reader.IsDBNull(4) ? null : Enum.Parse<Disposition>(reader.GetString(4)),
        reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetBoolean(7));

    private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
}
