using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// Simulated devices in a process of their own (this benchmark's executable run as <see cref="PublisherWorker"/>), as
/// real readers are: their allocations and garbage collections no longer land in the silo's process, and a pause of the
/// silo no longer stops them publishing. They still share the machine's cores with the broker and the silo.
/// </summary>
public sealed class PublisherProcess : IDevicePublishers
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _errors = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"tracking-bench-messages-{Guid.NewGuid():N}.bin");

    private PublisherProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
    }

    public string Describe => $"in a process of their own, pid {_process.Id}";

    public int? ProcessId => _process.Id;

    public static async Task<PublisherProcess> StartAsync(string host, int port, IEnumerable<string> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BenchAssembly(), PublisherWorker.Command, "--host", host, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        var publishers = new PublisherProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the publisher process."));
        try
        {
            await publishers.SendAsync(string.Join(',', devices.Distinct(StringComparer.Ordinal)));
            await publishers.ExpectAsync("ready", StartLimit);
            return publishers;
        }
        catch
        {
            await publishers.DisposeAsync();
            throw;
        }
    }

    public async Task LoadAsync(IReadOnlyList<OutgoingMessage> messages)
    {
        MessageFile.Write(_file, messages);
        await SendAsync($"load {_file}");
        await ExpectAsync("loaded", StartLimit);
    }

    public async Task<PublishOutcome> RunLoadedAsync(double perSecond, TimeSpan limit)
    {
        await SendAsync(string.Create(CultureInfo.InvariantCulture, $"run {perSecond:R} {limit.TotalSeconds:R}"));
        return await DoneAsync(limit);
    }

    public async Task<(PublishOutcome Outcome, long[] PublishedAt)> RunLoadedTimedAsync(double perSecond, TimeSpan limit)
    {
        var times = _file + ".times";
        try
        {
            await SendAsync(string.Create(CultureInfo.InvariantCulture, $"run-timed {perSecond:R} {limit.TotalSeconds:R} {times}"));
            var outcome = await DoneAsync(limit);
            return (outcome, MessageFile.ReadTimestamps(times));
        }
        finally
        {
            File.Delete(times);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync("quit");
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
            File.Delete(_file);
        }
    }

    /// <summary>This assembly when it can run on its own here (its runtimeconfig beside it), else the bench project's build output.</summary>
    private static string BenchAssembly()
    {
        var own = typeof(PublisherProcess).Assembly.Location;
        if (File.Exists(Path.ChangeExtension(own, ".runtimeconfig.json")))
        {
            return own;
        }

        var candidate = RepositoryBuild.Root() is { } root ? RepositoryBuild.OutputOf(root, "bench", "Tracking.Bench.dll") : null;
        return File.Exists(candidate)
            ? candidate
            : throw new FileNotFoundException($"Build bench/Bench.csproj ({RepositoryBuild.Configuration}) first: the publisher process runs its Tracking.Bench.dll.", candidate);
    }

    private async Task<PublishOutcome> DoneAsync(TimeSpan limit)
    {
        // The run stops publishing at the limit, then waits for the acknowledgements still outstanding.
        var done = (await ExpectAsync("done", limit + TimeSpan.FromMinutes(2))).Split(' ');
        long At(int i) => long.Parse(done[i], CultureInfo.InvariantCulture);
        return new PublishOutcome(At(1), At(2), At(3), At(4), TimeSpan.FromTicks(At(5)));
    }

    private async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    private async Task<string> ExpectAsync(string answer, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The publisher process did not answer '{answer}' within {limit}. {Errors()}");
        }

        if (line is null)
        {
            // Its error output is read on another thread: let it reach the end before quoting it.
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(exited.Token);
            }
            catch (OperationCanceledException)
            {
                // Still running without a word: quote what it has written so far.
            }

            throw new InvalidOperationException($"The publisher process ended before answering '{answer}'. {Errors()}");
        }

        return line.StartsWith(answer, StringComparison.Ordinal)
            ? line
            : throw new InvalidOperationException($"The publisher process answered '{line}' instead of '{answer}'. {Errors()}");
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.Length == 0 ? "" : "Its error output: " + _errors;
        }
    }
}
