using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// CPU time spent over a measured span: by this process (callers, bridge and silo), by PostgreSQL, and, where asked,
/// by the MQTT broker, by the publisher process and by the whole machine. On a shared machine events/s move with the
/// neighbours, by a third from one run to the next. CPU time per event moves much less, so two variants compare better
/// by it, and it says where an event's cost goes. PostgreSQL's time is its postmaster's own plus that of its children,
/// including the backends that have exited (the postmaster has reaped them into its children's time). The broker is
/// found by the port it listens on. The machine's time is every core's busy time (/proc/stat: user, nice, system, irq,
/// softirq): it also holds the kernel's work for loopback TCP that no process is charged with, and anything else that
/// ran meanwhile.
/// </summary>
public sealed class CpuMeter
{
    // USER_HZ: the unit of /proc times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly int? _postmaster;
    private readonly int? _broker;
    private readonly int? _publishers;
    private readonly TimeSpan _process;
    private readonly long? _postgresTicks;
    private readonly long? _brokerTicks;
    private readonly long? _publisherTicks;
    private readonly (long Busy, long Steal)? _machine;

    private CpuMeter(int? postmaster, int? broker, int? publishers)
    {
        _postmaster = postmaster;
        _broker = broker;
        _publishers = publishers;
        _process = Process.GetCurrentProcess().TotalProcessorTime;
        _postgresTicks = postmaster is { } pid ? PostgresTicks(pid) : null;
        _brokerTicks = ProcessTicks(broker);
        _publisherTicks = ProcessTicks(publishers);
        _machine = MachineTicks();
    }

    /// <summary>
    /// Starts measuring. PostgreSQL is left out when its data directory cannot be read here (another machine, other user);
    /// the broker when no process here listens on <paramref name="mqttPort"/>; the publishers when they run in this process.
    /// </summary>
    public static async Task<CpuMeter> StartAsync(string? postgresConnectionString, int? mqttPort = null, int? publisherProcess = null)
    {
        var postmaster = string.IsNullOrEmpty(postgresConnectionString) ? null : await PostmasterAsync(postgresConnectionString);
        return new CpuMeter(postmaster, mqttPort is { } port ? ListeningProcess(port) : null, publisherProcess);
    }

    /// <summary>CPU time since the start; null for what could not be read.</summary>
    public CpuTimes Stop()
    {
        var process = Process.GetCurrentProcess().TotalProcessorTime - _process;
        TimeSpan? postgres = _postmaster is { } pid && _postgresTicks is { } before && PostgresTicks(pid) is { } after
            ? Ticks(after - before)
            : null;
        var machine = MachineTicks();
        return new CpuTimes(
            process,
            postgres,
            Since(_broker, _brokerTicks),
            Since(_publishers, _publisherTicks),
            _machine is { } m0 && machine is { } m1 ? Ticks(m1.Busy - m0.Busy) : null,
            _machine is { } s0 && machine is { } s1 ? Ticks(s1.Steal - s0.Steal) : null);

        TimeSpan? Since(int? pid, long? ticksBefore) =>
            ticksBefore is { } b && ProcessTicks(pid) is { } a ? Ticks(a - b) : null;
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

    /// <summary>
    /// The machine's busy and stolen ticks from the first line of /proc/stat
    /// (<c>cpu user nice system idle iowait irq softirq steal …</c>). Guest time is already in user time. Null when the
    /// line is not the all-cores line.
    /// </summary>
    public static (long Busy, long Steal)? ParseMachineStat(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            return null;
        }

        var values = new long[8];
        for (var i = 0; i < values.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }

        return (values[0] + values[1] + values[2] + values[5] + values[6], values[7]);
    }

    /// <summary>
    /// The socket inodes listening on <paramref name="port"/> in a /proc/net/tcp or tcp6 table (state 0A = LISTEN; the
    /// local address is <c>hex-address:hex-port</c>, the inode the tenth column).
    /// </summary>
    public static IReadOnlyList<string> ListeningInodes(string table, int port)
    {
        ArgumentNullException.ThrowIfNull(table);
        var inodes = new List<string>();
        foreach (var line in table.Split('\n').Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != "0A")
            {
                continue;
            }

            var colon = fields[1].LastIndexOf(':');
            if (colon > 0 && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var local) && local == port)
            {
                inodes.Add(fields[9]);
            }
        }

        return inodes;
    }

    /// <summary>The process that holds a socket listening on the TCP port, if this user may see it.</summary>
    public static int? ListeningProcess(int port)
    {
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (ReadText(table) is { } text)
            {
                sockets.UnionWith(ListeningInodes(text, port).Select(inode => $"socket:[{inode}]"));
            }
        }

        if (sockets.Count == 0)
        {
            return null;
        }

        foreach (var pid in Pids())
        {
            try
            {
                if (Directory.EnumerateFiles($"/proc/{pid}/fd").Any(fd => new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target)))
                {
                    return pid;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or not ours to look into.
            }
        }

        return null;
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    private static (long Busy, long Steal)? MachineTicks() =>
        ReadText("/proc/stat") is { } text ? ParseMachineStat(text.Split('\n', 2)[0]) : null;

    private static long? ProcessTicks(int? pid) =>
        pid is { } p && ReadText($"/proc/{p}/stat") is { } line && ParseStat(line, withChildren: false) is { } stat ? stat.Ticks : null;

    private static long? PostgresTicks(int postmaster)
    {
        if (ReadText($"/proc/{postmaster}/stat") is not { } line || ParseStat(line, withChildren: true) is not { } own)
        {
            return null;
        }

        var ticks = own.Ticks;
        foreach (var pid in Pids())
        {
            if (ReadText($"/proc/{pid}/stat") is { } child
                && ParseStat(child, withChildren: false) is { ParentPid: var parent, Ticks: var childTicks }
                && parent == postmaster)
            {
                ticks += childTicks;
            }
        }

        return ticks;
    }

    private static IEnumerable<int> Pids()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            // A process that exited between the listing and the read.
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
