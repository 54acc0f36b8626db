namespace Tracking.Bench.Infrastructure;

/// <summary>Prepared messages on disk, for a publisher process to read before its measured run.</summary>
public static class MessageFile
{
    public static void Write(string path, IReadOnlyList<OutgoingMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var writer = new BinaryWriter(new BufferedStream(File.Create(path), 1 << 20));
        writer.Write(messages.Count);
        foreach (var message in messages)
        {
            writer.Write(message.Device);
            writer.Write(message.Topic);
            writer.Write(message.Payload.Length);
            writer.Write(message.Payload);
            writer.Write(message.Reads);
        }
    }

    public static void WriteTimestamps(string path, long[] timestamps)
    {
        ArgumentNullException.ThrowIfNull(timestamps);
        using var writer = new BinaryWriter(new BufferedStream(File.Create(path), 1 << 20));
        writer.Write(timestamps.Length);
        foreach (var timestamp in timestamps)
        {
            writer.Write(timestamp);
        }
    }

    public static long[] ReadTimestamps(string path)
    {
        using var reader = new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 20));
        var timestamps = new long[reader.ReadInt32()];
        for (var i = 0; i < timestamps.Length; i++)
        {
            timestamps[i] = reader.ReadInt64();
        }

        return timestamps;
    }

    public static List<OutgoingMessage> Read(string path)
    {
        using var reader = new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 20));
        var count = reader.ReadInt32();
        var messages = new List<OutgoingMessage>(count);
        // Devices and topics repeat: share one string per distinct value, as the prepared list in the parent does.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var device = Shared(reader.ReadString());
            var topic = Shared(reader.ReadString());
            var payload = reader.ReadBytes(reader.ReadInt32());
            messages.Add(new OutgoingMessage(device, topic, payload, reader.ReadInt32()));
        }

        return messages;

        string Shared(string value) => strings.TryGetValue(value, out var known) ? known : strings[value] = value;
    }
}
