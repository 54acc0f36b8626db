namespace Tracking.Tests.Shared;

/// <summary>The shared/ folder (protocol schemas) beside the repository, or beside the folder of worktrees holding it.</summary>
internal static class SharedFiles
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "protocols");
            if (Directory.Exists(candidate))
            {
                return System.IO.Path.Combine([dir.FullName, "shared", .. parts]);
            }
        }

        throw new InvalidOperationException($"No shared/protocols folder above {AppContext.BaseDirectory}.");
    }
}
