namespace Tracking.Bench.Infrastructure;

/// <summary>This repository's build outputs, found from where the benchmark runs, in the configuration it was built in.</summary>
public static class RepositoryBuild
{
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>The folder holding Tracking.sln above this process's own, or null when it runs outside the repository.</summary>
    public static DirectoryInfo? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tracking.sln")))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>Where <paramref name="assembly"/> of the project in <paramref name="projectFolder"/> is built.</summary>
    public static string OutputOf(DirectoryInfo root, string projectFolder, string assembly)
    {
        ArgumentNullException.ThrowIfNull(root);
        return Path.Combine(root.FullName, projectFolder, "bin", Configuration, "net10.0", assembly);
    }
}
