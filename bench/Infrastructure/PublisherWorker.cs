using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>
/// The child side of <see cref="PublisherProcess"/>: connects one MQTT client per device, then obeys one command per
/// line on standard input (<c>load FILE</c>, <c>run RATE SECONDS</c>, <c>run-timed RATE SECONDS TIMESFILE</c>, <c>quit</c>) and answers each on standard output.
/// </summary>
public static class PublisherWorker
{
    public const string Command = "publisher-worker";

    public static async Task<int> RunAsync(string host, int port, TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var devices = (await input.ReadLineAsync())?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
        await using var publishers = await DevicePublishers.ConnectAsync(host, port, devices);
        await AnswerAsync($"ready {devices.Length}");
        while (await input.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["load", var path]:
                    var messages = MessageFile.Read(path);
                    await publishers.LoadAsync(messages);
                    await AnswerAsync($"loaded {messages.Count}");
                    break;
                case ["run", var rate, var seconds]:
                    await AnswerAsync(Done(await publishers.RunLoadedAsync(Number(rate), TimeSpan.FromSeconds(Number(seconds)))));
                    break;
                case ["run-timed", var rate, var seconds, var timesPath]:
                    var (outcome, publishedAt) = await publishers.RunLoadedTimedAsync(Number(rate), TimeSpan.FromSeconds(Number(seconds)));
                    MessageFile.WriteTimestamps(timesPath, publishedAt);
                    await AnswerAsync(Done(outcome));
                    break;
                case ["quit"]:
                    return 0;
                default:
                    await AnswerAsync($"error unknown command: {line}");
                    break;
            }
        }

        return 0;

        static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

        static string Done(PublishOutcome outcome) =>
            string.Create(CultureInfo.InvariantCulture, $"done {outcome.Messages} {outcome.Acked} {outcome.Failed} {outcome.ReadsAcked} {outcome.Elapsed.Ticks}");

        async Task AnswerAsync(string answer)
        {
            await output.WriteLineAsync(answer);
            await output.FlushAsync();
        }
    }
}
