using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Parallel.Hosting;

/// <summary>
/// The silo host's logger factory, dropping the <see cref="FalseStartupWarnings"/> before any
/// provider sees them. Logging's own filters go by category and level only; these warnings share
/// both with real ones, so they are told apart by their message here.
/// </summary>
internal sealed class FalseWarningFilter(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>Puts the filter in front of the logger factory the host would build.</summary>
    public static void Install(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new FalseWarningFilter(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(),
            provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(),
            provider.GetService<IExternalScopeProvider>()))));

    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return FalseStartupWarnings.MayComeFrom(categoryName) ? new Filtered(logger, categoryName) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class Filtered(ILogger inner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!FalseStartupWarnings.IsFalse(category, state)) inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
