using Microsoft.Extensions.Logging;

namespace Orleans.Parallel.Grains.Scheduling;

public sealed partial class SiloTaskQueue
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Offering tasks to engine {EngineId} failed; it counts as full until the engine list changes")]
    private static partial void LogOfferFailed(ILogger logger, Exception e, int engineId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Asking an engine to abort {Count} tasks failed")]
    private static partial void LogAbortFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reply to task {MsgId} could not reach its client")]
    private static partial void LogReplyFailed(ILogger logger, Exception e, Guid msgId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the engine registry failed; the queue keeps its engine list")]
    private static partial void LogRefreshFailed(ILogger logger, Exception e);
}
