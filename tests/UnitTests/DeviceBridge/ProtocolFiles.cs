namespace Tracking.UnitTests.DeviceBridge;

/// <summary>The shared protocol schemas and samples (shared/protocols, found by walking up from the test folder).</summary>
internal static class ProtocolFiles
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "protocols");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException("shared/protocols not found above the test folder.");
        }
    }

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Directory, relative));
}
