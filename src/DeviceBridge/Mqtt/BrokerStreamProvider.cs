using System.Net;
using System.Net.Sockets;
using MQTTnet.Channel;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>
/// Opens the bridge's TCP connection to the broker in place of MQTTnet's own: the same socket settings (no Nagle delay,
/// abortive close), kernel buffers of the configured size instead of MQTTnet's 8 KiB, and reads through one large
/// buffer (<see cref="ReadBufferedStream"/>). MQTTnet puts TLS on top of the returned stream when it is configured.
/// See decision 0017.
/// </summary>
public sealed class BrokerStreamProvider(int socketBufferBytes) : IMqttClientStreamProvider
{
    /// <summary>Enough for a few hundred single-read messages or three arrays of 100 reads per system call.</summary>
    internal const int ReadBufferBytes = 64 * 1024;

    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(brokerEndPoint);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveBufferSize = socketBufferBytes,
            SendBufferSize = socketBufferBytes,
            LingerState = new LingerOption(true, 0),
        };
        try
        {
            await socket.ConnectAsync(brokerEndPoint, cancellationToken).ConfigureAwait(false);
            return new ReadBufferedStream(new NetworkStream(socket, ownsSocket: true), ReadBufferBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
