using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Tests.Logging;

/// <summary>A logger provider that keeps every line it is given, for tests that check what was logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    /// <summary>Every line logged so far, in order.</summary>
    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    /// <summary>One logged line: its category, level, event id, the formatted message and the exception's type, if any.</summary>
    public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, string? ExceptionType)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {Message}{(ExceptionType is null ? "" : $" ({ExceptionType})")}";
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), exception?.GetType().FullName));
    }
}
