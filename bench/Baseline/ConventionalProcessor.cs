using Npgsql;
using Tracking.Bench.Rfid;

namespace Tracking.Bench.Baseline;

/// <summary>
/// How a conventional system handles a read: one transaction per read — lock the item's row, update what the read says
/// (last seen, read count, and location/status when the antenna's location differs), record history on a change, commit.
/// </summary>
public sealed class ConventionalProcessor(NpgsqlDataSource dataSource, IReadOnlyDictionary<(string Reader, int Antenna), string> locations)
{
    public async Task<bool> ProcessAsync(GateReader reader, TagRead read)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(read);
        var location = locations[(reader.ReaderId, read.Antenna)];
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        string? current;
        string status;
        await using (var select = new NpgsqlCommand("SELECT location, status FROM items WHERE epc = $1 FOR UPDATE", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = read.Epc });
            await using var row = await select.ExecuteReaderAsync();
            if (!await row.ReadAsync())
            {
                throw new InvalidOperationException($"Item {read.Epc} is not in the items table.");
            }

            current = await row.IsDBNullAsync(0) ? null : row.GetString(0);
            status = row.GetString(1);
        }

        var changed = !string.Equals(current, location, StringComparison.Ordinal);
        var nextStatus = changed ? (status == "Expected" ? "Received" : "Moved") : status;
        await using (var update = new NpgsqlCommand(
            "UPDATE items SET read_count = read_count + 1, last_seen = $2, location = $3, status = $4, updated_at = now() WHERE epc = $1", connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = read.Epc });
            update.Parameters.Add(new NpgsqlParameter { Value = read.At.UtcDateTime });
            update.Parameters.Add(new NpgsqlParameter { Value = location });
            update.Parameters.Add(new NpgsqlParameter { Value = nextStatus });
            await update.ExecuteNonQueryAsync();
        }

        if (changed)
        {
            await using var history = new NpgsqlCommand(
                "INSERT INTO item_history (epc, at, reader_id, location, status) VALUES ($1, $2, $3, $4, $5)", connection, tx);
            history.Parameters.Add(new NpgsqlParameter { Value = read.Epc });
            history.Parameters.Add(new NpgsqlParameter { Value = read.At.UtcDateTime });
            history.Parameters.Add(new NpgsqlParameter { Value = reader.ReaderId });
            history.Parameters.Add(new NpgsqlParameter { Value = location });
            history.Parameters.Add(new NpgsqlParameter { Value = nextStatus });
            await history.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        return changed;
    }
}
