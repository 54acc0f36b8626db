using System.Diagnostics;
using System.Net.Sockets;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// A private Mosquitto for tests that need their own broker: restarted mid-stream, or configured with a password
/// file and ACL. Runs in the foreground as a child process on a free loopback port; stopped with SIGTERM so it saves
/// its persistence file like a real broker shutting down.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class MosquittoProcess : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;

    private MosquittoProcess(string directory, string config, int port)
    {
        Directory = directory;
        _config = config;
        Port = port;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <param name="extraConfig">Lines added to mosquitto.conf (password_file, acl_file, ...).</param>
    public static async Task<MosquittoProcess> StartAsync(string extraConfig = "allow_anonymous true", bool persistence = false)
    {
        var dir = Path.Combine(TestEnvironment.ArtifactsDirectory, $"mosquitto-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(dir);
        // Mosquitto started as root drops to its own user: it must be able to read and write here.
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
        var port = TestEnvironment.FreeTcpPort();
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            max_inflight_messages 1000
            max_queued_messages 100000
            set_tcp_nodelay true
            persistence {(persistence ? "true" : "false")}
            persistence_location {dir}/
            autosave_interval 1
            {extraConfig}

            """);
        var broker = new MosquittoProcess(dir, config, port);
        await broker.StartAgainAsync();
        return broker;
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        return path;
    }

    public async Task StartAgainAsync()
    {
        _process = Process.Start(new ProcessStartInfo(TestEnvironment.MosquittoExecutable, ["-c", _config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}; config {_config}");
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"mosquitto did not listen on {Port}");
    }

    /// <summary>SIGTERM, as an orderly broker shutdown (persistence is written), then wait for the exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process?.Kill();
        }
    }
}
