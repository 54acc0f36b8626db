using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// CPU time spent over a measured span by this process (callers and silo) and by the PostgreSQL server on this machine.
/// On a shared machine events/s move with the neighbours, by a third from one run to the next. CPU time per event moves
/// much less, so two variants compare better by it. PostgreSQL's time is its postmaster's own plus that of its children.
/// That includes the backends that have exited, which the postmaster has reaped into its children's time.
/// </summary>
public sealed class CpuMeter
{
    // USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly int? _postmaster;
    private readonly TimeSpan _process;
    private readonly long? _postgresTicks;

    private CpuMeter(int? postmaster)
    {
        _postmaster = postmaster;
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _postgresTicks = postmaster is { } pid ? PostgresTicks(pid) : null;
    }

    /// <summary>Starts measuring. PostgreSQL is left out when its data directory cannot be read here (another machine, other user).</summary>
    public static async Task<CpuMeter> StartAsync(string postgresConnectionString)
    {
        return new CpuMeter(await PostmasterAsync(postgresConnectionString));
    }

    /// <summary>CPU time since the start: this process's, and PostgreSQL's (null when it could not be read).</summary>
    public (TimeSpan Process, TimeSpan? Postgres) Stop()
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime - _process;
        TimeSpan? postgres = _postmaster is { } pid && _postgresTicks is { } before && PostgresTicks(pid) is { } after
            ? TimeSpan.FromSeconds((after - before) / TicksPerSecond)
            : null;
        return (process, postgres);
    }

    /// <summary>
    /// The CPU ticks in one line of /proc/&lt;pid&gt;/stat: user and system time, with the reaped children's time too
    /// when <paramref name="withChildren"/>. The command name in parentheses may itself hold spaces and parentheses, so
    /// fields are counted from the last ')'. Null when the line does not have the fields.
    /// </summary>
    public static (int ParentPid, long Ticks)? ParseStat(string line, bool withChildren)
    {
        ArgumentNullException.ThrowIfNull(line);
        var close = line.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        // After the name: field 3 (state) is index 0, so field n is index n - 3.
        var fields = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 15
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            || !long.TryParse(fields[13], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var childrenUser)
            || !long.TryParse(fields[14], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var childrenSystem))
        {
            return null;
        }

        return (parent, user + system + (withChildren ? childrenUser + childrenSystem : 0));
    }

    private static long? PostgresTicks(int postmaster)
    {
        if (ReadStat(postmaster) is not { } line || ParseStat(line, withChildren: true) is not { } own)
        {
            return null;
        }

        var ticks = own.Ticks;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } child
                && ParseStat(child, withChildren: false) is { ParentPid: var parent, Ticks: var childTicks }
                && parent == postmaster)
            {
                ticks += childTicks;
            }
        }

        return ticks;
    }

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            // Exited between the listing and the read.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<int?> PostmasterAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT current_setting('data_directory')", connection);
            var dataDirectory = (string?)await cmd.ExecuteScalarAsync();
            // postmaster.pid's first line is the postmaster's pid.
            if (dataDirectory is null)
            {
                return null;
            }

            var lines = await File.ReadAllLinesAsync(Path.Combine(dataDirectory, "postmaster.pid"));
            return lines.Length > 0 && int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
