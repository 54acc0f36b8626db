using System.Diagnostics;

namespace Tracking.Bench.Infrastructure;

/// <summary>The built Silo executable: its apphost when there is one, else <c>dotnet Tracking.Silo.dll</c>.</summary>
public sealed class SiloExecutable(string path)
{
    public string Path { get; } = path;

    public string Describe => File.Exists(AppHost) ? System.IO.Path.GetFileName(AppHost) : $"dotnet {System.IO.Path.GetFileName(Path)}";

    private string AppHost => System.IO.Path.ChangeExtension(Path, null);

    /// <summary>The given assembly, or the Silo project's build output (same configuration as this benchmark) above this folder.</summary>
    public static SiloExecutable Find(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? new SiloExecutable(System.IO.Path.GetFullPath(explicitPath)) : throw new FileNotFoundException("No Silo assembly there.", explicitPath);
        }

        var root = RepositoryBuild.Root() ?? throw new InvalidOperationException("Tracking.sln not found above the benchmark: pass --silo.");
        var candidate = RepositoryBuild.OutputOf(root, System.IO.Path.Combine("src", "Silo"), "Tracking.Silo.dll");
        return File.Exists(candidate) ? new SiloExecutable(candidate) : throw new FileNotFoundException($"Build src/Silo ({RepositoryBuild.Configuration}) first, or pass --silo.", candidate);
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var useAppHost = File.Exists(AppHost);
        var start = new ProcessStartInfo(useAppHost ? AppHost : "dotnet")
        {
            WorkingDirectory = System.IO.Path.GetDirectoryName(Path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!useAppHost)
        {
            start.ArgumentList.Add(Path);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
