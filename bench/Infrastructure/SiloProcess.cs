using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// The real Silo executable as a child process in production shape: PostgreSQL storage, external Mosquitto, simulator
/// off, an admin development key for the benchmark's REST calls. Killed (whole tree) on dispose.
/// </summary>
public sealed class SiloProcess : IDisposable
{
    public const string AdminKey = "bench-admin-key";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _clock;

    private SiloProcess(Process process, int port, Stopwatch clock)
    {
        _process = process;
        _clock = clock;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the executable. <paramref name="extra"/> settings come after the defaults and override them.</summary>
    public static SiloProcess Start(SiloExecutable silo, BenchSettings settings, string connectionString, IEnumerable<string> extra)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        var port = FreePort.Next();
        var start = silo.StartInfo(
        [
            $"--urls=http://127.0.0.1:{port}",
            "--Tracking:Storage:Mode=PostgreSql",
            $"--Tracking:Cluster:SiloPort={FreePort.Next()}",
            $"--Tracking:Cluster:GatewayPort={FreePort.Next()}",
            $"--Tracking:PostgreSql:ConnectionString={connectionString}",
            "--Tracking:Mqtt:Mode=External",
            $"--Tracking:Mqtt:Host={settings.MqttHost}",
            $"--Tracking:Mqtt:Port={settings.MqttPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Tracking:Mqtt:ClientId=bench-silo-{Guid.NewGuid():N}",
            "--Tracking:Simulator:Enabled=false",
            $"--Tracking:Auth:DevelopmentKey={AdminKey}",
            "--Logging:LogLevel:Default=Warning",
            .. extra,
        ]);
        var clock = Stopwatch.StartNew();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {silo.Path}.");
        return new SiloProcess(process, port, clock);
    }

    /// <summary>Polls <c>/health/ready</c> every 10 ms; returns the milliseconds from process start to the first 200, or null.</summary>
    public async Task<double?> WaitReadyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (_clock.Elapsed < limit && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, "/health/ready"));
                if (response.IsSuccessStatusCode)
                {
                    return _clock.Elapsed.TotalMilliseconds;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(10);
        }

        return null;
    }

    /// <summary>Resident set size from /proc (what the operating system charges the silo).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kib * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS not found in /proc status.");
    }

    public string Tail(int lines)
    {
        lock (_output)
        {
            return string.Join(" | ", _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
