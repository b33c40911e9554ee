using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Grains.Engine;

public sealed partial class EngineGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Engine {EngineId} started on {Silo}")] // a silo may start 10,000
    private static partial void LogStarted(ILogger logger, int engineId, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report to task queue {Queue} failed (attempt {Attempt})")]
    private static partial void LogQueueReportFailed(ILogger logger, Exception e, string queue, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {EngineId} was deactivated without being stopped ({Reason}); its namespace is lost and it leaves the registry")]
    private static partial void LogLostActivation(ILogger logger, int engineId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {EngineId} could not leave the registry")]
    private static partial void LogUnregisterFailed(ILogger logger, Exception e, int engineId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engine {EngineId} stopped before all {Count} replies of its aborted tasks were confirmed delivered")]
    private static partial void LogAbortDeliveryFailed(ILogger logger, Exception e, int engineId, int count);
}
