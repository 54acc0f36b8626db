using System.Globalization;
using System.Runtime.InteropServices;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// The kernel's view of this process's TCP connections to a port (Linux): which of our file descriptors they are, read
/// from /proc, and the buffer sizes the kernel gives them, read with getsockopt. MQTTnet keeps its sockets to itself, so
/// this is how a test sees what a client library really asked of the kernel.
/// </summary>
internal static class ConnectedSockets
{
    private const int SolSocket = 1;
    private const int SoSndBuf = 7;
    private const int SoRcvBuf = 8;
    private const string Established = "01";

    /// <summary>Receive and send buffer (bytes, as the kernel reports them) of every established connection of ours to <paramref name="remotePort"/>.</summary>
    public static IReadOnlyList<(int ReceiveBuffer, int SendBuffer)> To(int remotePort)
    {
        var inodes = ConnectionInodes(remotePort);
        var found = new List<(int, int)>();
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is null || !target.StartsWith("socket:[", StringComparison.Ordinal) || !inodes.Contains(target[8..^1]))
            {
                continue;
            }

            var number = int.Parse(Path.GetFileName(fd), CultureInfo.InvariantCulture);
            if (Option(number, SoRcvBuf) is { } receive && Option(number, SoSndBuf) is { } send)
            {
                found.Add((receive, send));
            }
        }

        return found;
    }

    private static HashSet<string> ConnectionInodes(int remotePort)
    {
        var port = remotePort.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length > 9 && columns[2].EndsWith(":" + port, StringComparison.Ordinal) && columns[3] == Established)
                {
                    inodes.Add(columns[9]);
                }
            }
        }

        return inodes;
    }

    private static int? Option(int fd, int name)
    {
        var length = sizeof(int);
        return GetSocketOption(fd, SolSocket, name, out var value, ref length) == 0 ? value : null;
    }

    [DllImport("libc", EntryPoint = "getsockopt")]
    private static extern int GetSocketOption(int socket, int level, int name, out int value, ref int length);
}
