using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// A TCP port on 127.0.0.1 for a listener that binds it a moment later. Taken below the kernel's ephemeral range: a
/// port the kernel picked for "port 0" can be handed straight to some client's outgoing connection before our listener
/// binds it ("address already in use" in a test run). Each port is handed out once per process.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10_000;

    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    public static int Next()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, below);
            if (!HandedOut.TryAdd(port, 0))
            {
                continue;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken by someone else: try another.
            }
        }

        throw new InvalidOperationException($"No free TCP port between {Lowest} and {below} on 127.0.0.1 after 1000 tries.");
    }

    private static int EphemeralRangeStart()
    {
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(RangeFile) &&
            int.TryParse(File.ReadAllText(RangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start) &&
            start > Lowest + 1000)
        {
            return start;
        }

        return 32_768;
    }
}
