using System.Globalization;
using System.Text;

namespace Tracking.Bench.Reporting;

/// <summary>One scenario's figures as a table, its notes, and any correctness failure (lost messages, missing rows).</summary>
public sealed class ScenarioResult(string name, string title, params string[] columns)
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _failures = [];

    public string Name { get; } = name;

    public string Title { get; } = title;

    public IReadOnlyList<string> Columns { get; } = columns;

    public IReadOnlyList<string[]> Rows => _rows;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Correctness only (never timing): a non-empty list fails the quick smoke test.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Named figures kept for ratios computed across scenarios (e.g. pipeline vs baseline).</summary>
    public Dictionary<string, double> Figures { get; } = new(StringComparer.Ordinal);

    public void Row(params object?[] cells) => _rows.Add(cells.Select(Format).ToArray());

    public void Note(string note) => _notes.Add(note);

    public void Fail(string failure) => _failures.Add(failure);

    public void Check(bool ok, string failure)
    {
        if (!ok)
        {
            Fail(failure);
        }
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.Append("### ").AppendLine(Title).AppendLine();
        if (_rows.Count > 0)
        {
            sb.Append("| ").AppendJoin(" | ", Columns).AppendLine(" |");
            sb.Append('|').AppendJoin("|", Columns.Select(_ => "---")).AppendLine("|");
            foreach (var row in _rows)
            {
                sb.Append("| ").AppendJoin(" | ", row).AppendLine(" |");
            }

            sb.AppendLine();
        }

        foreach (var note in _notes)
        {
            sb.Append("- ").AppendLine(note);
        }

        foreach (var failure in _failures)
        {
            sb.Append("- **FAILED**: ").AppendLine(failure);
        }

        return sb.ToString();
    }

    public static string Format(object? value) => value switch
    {
        null => "–",
        double d when double.IsNaN(d) => "–",
        double d when Math.Abs(d) >= 100 => d.ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.##", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>"met" / "MISSED" beside a target, so a reader sees the verdict without doing arithmetic.</summary>
    public static string Verdict(bool met) => met ? "met" : "MISSED";
}
