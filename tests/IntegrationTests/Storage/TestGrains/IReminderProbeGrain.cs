namespace Tracking.IntegrationTests.Storage.TestGrains;

/// <summary>A test grain that registers an Orleans reminder and records its ticks in <see cref="ReminderTicks"/>.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task Register(string name, TimeSpan dueTime, TimeSpan period);

    /// <summary>Whether the reminder service reads the reminder back.</summary>
    Task<bool> IsRegistered(string name);

    Task<IReadOnlyList<string>> RegisteredNames();

    Task Unregister(string name);
}
