using Tracking.DeviceBridge.Mqtt;

namespace Tracking.UnitTests.DeviceBridge.Mqtt;

public sealed class ReadBufferedStreamTests
{
    [Fact]
    public async Task Reading_a_burst_of_packets_in_small_pieces_asks_the_socket_once_per_buffer_and_returns_every_byte_in_order()
    {
        var sent = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 7)).ToArray();
        var socket = new CountingStream(sent);
        await using var stream = new ReadBufferedStream(socket, 4096);

        // As MQTTnet reads a packet: two header bytes, then the body.
        var received = new List<byte>();
        var header = new byte[2];
        var body = new byte[98];
        while (received.Count < sent.Length)
        {
            received.AddRange(header.AsSpan(0, await stream.ReadAsync(header)).ToArray());
            received.AddRange(body.AsSpan(0, await stream.ReadAsync(body)).ToArray());
        }

        Assert.Equal(sent, received);
        Assert.Equal(3, socket.Reads); // 10,000 bytes through a 4,096-byte buffer, against 200 reads unbuffered.
    }

    [Fact]
    public async Task A_read_larger_than_the_buffer_goes_straight_to_the_socket_once_the_buffer_is_empty()
    {
        var sent = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var socket = new CountingStream(sent);
        await using var stream = new ReadBufferedStream(socket, 64);

        var first = new byte[10];
        Assert.Equal(10, await stream.ReadAsync(first));
        var large = new byte[200];
        var fromBuffer = await stream.ReadAsync(large);
        var direct = await stream.ReadAsync(large);

        Assert.Equal(54, fromBuffer); // what the first socket read left in the buffer, never more
        Assert.Equal(200, direct);
        Assert.Equal(sent.AsSpan(64, 200).ToArray(), large);
        Assert.Equal(2, socket.Reads);
    }

    [Fact]
    public async Task The_end_of_the_connection_reads_as_zero_bytes()
    {
        await using var stream = new ReadBufferedStream(new CountingStream([1, 2, 3]), 16);
        var buffer = new byte[8];

        Assert.Equal(3, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(buffer));
    }

    [Fact]
    public void Blocking_reads_are_buffered_alike()
    {
        var socket = new CountingStream([1, 2, 3, 4, 5]);
        using var stream = new ReadBufferedStream(socket, 16);
        var buffer = new byte[2];

        Assert.Equal(2, stream.Read(buffer));
        Assert.Equal(2, stream.Read(buffer));
        Assert.Equal(1, stream.Read(buffer));
        Assert.Equal(0, stream.Read(buffer));
        Assert.Equal(2, socket.Reads);
    }

    [Fact]
    public async Task Writes_reach_the_socket_at_once_without_a_flush()
    {
        var socket = new CountingStream([]);
        await using var stream = new ReadBufferedStream(socket, 4096);

        await stream.WriteAsync(new byte[] { 0x40, 0x02, 0x00, 0x01 });
        stream.Write([0xC0, 0x00]);

        Assert.Equal(new byte[] { 0x40, 0x02, 0x00, 0x01, 0xC0, 0x00 }, socket.Written.ToArray());
    }

    [Fact]
    public async Task Disposing_it_closes_the_socket_stream()
    {
        var socket = new CountingStream([]);
        await using (new ReadBufferedStream(socket, 16))
        {
        }

        Assert.True(socket.Disposed);
    }

    /// <summary>A socket's stream as far as the test cares: hands out at most what was asked, counts the asks.</summary>
    private sealed class CountingStream(byte[] incoming) : Stream
    {
        private int _position;

        public int Reads { get; private set; }

        public MemoryStream Written { get; } = new();

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Reads++;
            var count = Math.Min(buffer.Length, incoming.Length - _position);
            incoming.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
