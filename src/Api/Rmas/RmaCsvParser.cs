using System.Globalization;
using CsvHelper;
using Tracking.Api.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Api.Rmas;

/// <summary>
/// Reads an RMA CSV: one row per line, rows with the same <c>rma_id</c> form one RMA. Every row is checked on its own;
/// a bad row is reported with its line number and skipped, the valid rows are imported.
/// Columns: rma_id, order_reference, channel, customer_region, expected_warehouse, refund_policy, sku, quantity,
/// reason_code, serial (optional), unit_value (optional).
/// </summary>
public static class RmaCsvParser
{
    public static readonly IReadOnlyList<string> RequiredColumns =
        ["rma_id", "order_reference", "channel", "customer_region", "expected_warehouse", "refund_policy", "sku", "quantity", "reason_code"];

    public sealed record ParsedRma(string RmaId, CreateRma Command, IReadOnlyList<int> Rows);

    public sealed record ParseResult(int Rows, IReadOnlyList<ParsedRma> Rmas, IReadOnlyList<RmaImportError> Errors);

    public static ParseResult Parse(string text, Func<string, bool> warehouseExists, Grains.Interfaces.Common.Actor actor, int maxRows = 10_000)
    {
        ArgumentNullException.ThrowIfNull(warehouseExists);
        var errors = new List<RmaImportError>();
        var malformed = 0;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrimWhitespace = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = r =>
            {
                malformed++;
                errors.Add(new RmaImportError((int)r.LineNumber, null, $"the row is not well-formed CSV ({r.Reason})"));
            },
            NormalizeHeaderName = n => n.Trim().ToLowerInvariant(),
        };
        using var csv = CsvReader.FromText(text, options);
        csv.ReadHeader();
        if (csv.Headers is not { Count: > 0 } headers)
        {
            return new ParseResult(0, [], [new RmaImportError(1, null, "the file is empty: a header row is required")]);
        }

        var missing = RequiredColumns.Where(c => !headers.Contains(c, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            return new ParseResult(0, [], [new RmaImportError(1, null, $"missing columns: {string.Join(", ", missing)}")]);
        }

        var groups = new Dictionary<string, (CreateRma Head, List<RmaLine> Lines, List<int> Rows)>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        var rows = 0;
        while (csv.Read())
        {
            rows++;
            var row = (int)csv.LineNumber;
            if (rows > maxRows)
            {
                errors.Add(new RmaImportError(row, null, $"more than {maxRows} rows: the rest of the file was not read"));
                break;
            }

            var rmaId = Field(csv, "rma_id");
            var (head, line, problems) = ReadRow(csv, warehouseExists, actor);
            if (rmaId is null)
            {
                problems.Insert(0, "rma_id is required");
            }

            if (problems.Count == 0 && groups.TryGetValue(rmaId!, out var group) && !SameHead(group.Head, head!))
            {
                problems.Add("order_reference, channel, customer_region, expected_warehouse and refund_policy must be the same on every row of one RMA");
            }

            if (problems.Count > 0)
            {
                errors.Add(new RmaImportError(row, rmaId, string.Join("; ", problems)));
                continue;
            }

            if (!groups.TryGetValue(rmaId!, out var existing))
            {
                existing = (head!, [], []);
                groups[rmaId!] = existing;
                order.Add(rmaId!);
            }

            existing.Lines.Add(line!);
            existing.Rows.Add(row);
        }

        var rmas = order.Select(id => groups[id]).Select((g, i) => new ParsedRma(order[i], g.Head with { Lines = g.Lines }, g.Rows)).ToList();
        return new ParseResult(rows + malformed, rmas, [.. errors.OrderBy(e => e.Row)]);
    }

    private static (CreateRma? Head, RmaLine? Line, List<string> Problems) ReadRow(CsvReader csv, Func<string, bool> warehouseExists, Grains.Interfaces.Common.Actor actor)
    {
        var problems = new List<string>();
        var order = Field(csv, "order_reference");
        var region = Field(csv, "customer_region");
        var warehouse = Field(csv, "expected_warehouse");
        var sku = Field(csv, "sku");
        var reason = Field(csv, "reason_code")?.ToUpperInvariant();
        var serial = Field(csv, "serial");
        if (order is null)
        {
            problems.Add("order_reference is required");
        }

        if (region is null)
        {
            problems.Add("customer_region is required");
        }

        if (warehouse is null || !warehouseExists(warehouse))
        {
            problems.Add($"expected_warehouse '{warehouse}' does not exist");
        }

        if (!EnumNames.TryParse<RmaChannel>(Field(csv, "channel"), out var channel))
        {
            problems.Add($"channel '{Field(csv, "channel")}' is not one of {string.Join(", ", Enum.GetNames<RmaChannel>())}");
        }

        if (!EnumNames.TryParse<RefundPolicy>(Field(csv, "refund_policy"), out var policy))
        {
            problems.Add($"refund_policy '{Field(csv, "refund_policy")}' is not one of {string.Join(", ", Enum.GetNames<RefundPolicy>())}");
        }

        if (sku is null)
        {
            problems.Add("sku is required");
        }

        if (!int.TryParse(Field(csv, "quantity"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var quantity) || quantity < 1)
        {
            problems.Add($"quantity '{Field(csv, "quantity")}' must be a whole number of at least 1");
        }

        if (!ReasonCodes.IsKnown(reason))
        {
            problems.Add($"reason_code '{reason}' is not a standard reason code");
        }

        if (serial is not null && quantity != 1)
        {
            problems.Add("a row with a serial is one unit: quantity must be 1");
        }

        decimal? value = null;
        if (Field(csv, "unit_value") is { } rawValue)
        {
            if (decimal.TryParse(rawValue, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0)
            {
                value = parsed;
            }
            else
            {
                problems.Add($"unit_value '{rawValue}' is not a non-negative number");
            }
        }

        if (problems.Count > 0)
        {
            return (null, null, problems);
        }

        var head = new CreateRma(order!, channel, region!, warehouse!, policy, [], actor);
        return (head, new RmaLine(sku!, quantity, reason!, serial, value), problems);
    }

    private static bool SameHead(CreateRma a, CreateRma b) =>
        a.OrderReference == b.OrderReference && a.Channel == b.Channel && a.CustomerRegion == b.CustomerRegion
        && string.Equals(a.ExpectedWarehouse, b.ExpectedWarehouse, StringComparison.OrdinalIgnoreCase) && a.RefundPolicy == b.RefundPolicy;

    private static string? Field(CsvReader csv, string name) =>
        csv.TryGetFieldIndex(name, out var index) && index < csv.FieldCount && csv.GetString(index) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value)
            ? value.Trim()
            : null;
}
