using System.Collections.Concurrent;

namespace Tracking.IntegrationTests.Storage.TestGrains;

/// <summary>
/// Reminder ticks seen in this test process, by "grain key/reminder name". Kept outside the grain on purpose:
/// a tick must be observable even when the grain was activated by a reminder on a freshly started silo.
/// </summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    public static void Record(string grainKey, string reminderName) =>
        Counts.AddOrUpdate($"{grainKey}/{reminderName}", 1, (_, n) => n + 1);

    public static int Count(string grainKey, string reminderName) =>
        Counts.TryGetValue($"{grainKey}/{reminderName}", out var n) ? n : 0;
}
