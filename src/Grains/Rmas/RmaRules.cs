using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.Grains.Rmas;

/// <summary>Pure RMA rules: validation of a new RMA, matching an arrival to a line, and the resulting status.</summary>
public static class RmaRules
{
    /// <summary>A high-value unit goes up the inspection queue (DESIGN.md: priority = refund issued, high value).</summary>
    public const decimal HighValue = 500m;

    public static IReadOnlyList<string> Validate(CreateRma command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(command.OrderReference))
        {
            problems.Add("orderReference is required");
        }

        if (string.IsNullOrWhiteSpace(command.CustomerRegion))
        {
            problems.Add("customerRegion is required");
        }

        if (command.Lines is not { Count: > 0 })
        {
            problems.Add("at least one line is required");
            return problems;
        }

        var serials = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < command.Lines.Count; i++)
        {
            var line = command.Lines[i];
            var n = i + 1;
            if (string.IsNullOrWhiteSpace(line.Sku))
            {
                problems.Add($"line {n}: sku is required");
            }

            if (line.Quantity <= 0)
            {
                problems.Add($"line {n}: quantity must be at least 1");
            }

            if (!ReasonCodes.IsKnown(line.ReasonCode))
            {
                problems.Add($"line {n}: reason code '{line.ReasonCode}' is not one of {string.Join(", ", ReasonCodes.All.Order(StringComparer.Ordinal))}");
            }

            if (line.UnitValue is < 0)
            {
                problems.Add($"line {n}: unitValue cannot be negative");
            }

            if (line.Serial is not null)
            {
                if (line.Quantity != 1)
                {
                    problems.Add($"line {n}: a line with a serial/EPC is one unit (quantity 1)");
                }

                if (!serials.Add(line.Serial))
                {
                    problems.Add($"line {n}: serial/EPC {line.Serial} appears twice");
                }
            }
        }

        return problems;
    }

    /// <summary>The line an arriving item belongs to: its own serial's line, else the first line of its SKU still owed.</summary>
    public static RmaLineStatus? Match(IReadOnlyList<RmaLineStatus> lines, string itemId, string? sku)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.FirstOrDefault(l => string.Equals(l.Line.Serial, itemId, StringComparison.OrdinalIgnoreCase) && l.Remaining > 0)
            ?? (sku is null ? null : lines.FirstOrDefault(l => l.Line.Serial is null && string.Equals(l.Line.Sku, sku, StringComparison.OrdinalIgnoreCase) && l.Remaining > 0));
    }

    public static RmaStatus StatusAfterReceipt(IReadOnlyList<RmaLineStatus> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        return lines.All(l => l.Remaining == 0) ? RmaStatus.Received
            : lines.Any(l => l.Received > 0) ? RmaStatus.PartiallyReceived
            : RmaStatus.Authorized;
    }

    public static int Priority(RefundPolicy policy, RmaLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var priority = 0;
        if (policy == RefundPolicy.OnReceipt)
        {
            // The customer already has the money: the item's value must be recovered quickly.
            priority += 10;
        }

        if (line.UnitValue >= HighValue)
        {
            priority += 5;
        }

        return priority;
    }
}
