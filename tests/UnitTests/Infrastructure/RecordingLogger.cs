using Microsoft.Extensions.Logging;

namespace Tracking.UnitTests.Infrastructure;

/// <summary>Keeps every log entry (level, formatted message, exception) for a test to look at; safe across threads.</summary>
internal class RecordingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_gate)
        {
            _entries.Add((logLevel, formatter(state, exception), exception));
        }
    }
}

/// <summary>A <see cref="RecordingLogger"/> for a class that asks for <see cref="ILogger{T}"/>.</summary>
internal sealed class RecordingLogger<T> : RecordingLogger, ILogger<T>;
