using System.Diagnostics;

namespace Orleans.Parallel.Telemetry;

/// <summary>
/// The names Orleans.Parallel reports under, for OpenTelemetry: one <see cref="ActivitySource"/> that
/// follows a task as one trace (the client's <see cref="TaskSpan"/> from submit to reply, the queue's
/// <see cref="ScheduleSpan"/>, the engine's <see cref="RunSpan"/>, the client's <see cref="ReplySpan"/>), and the
/// meter of the silo's task figures. A task carries its trace as a W3C <c>traceparent</c>, so the trace
/// holds together whichever way the task went (direct, broadcast, load-balanced, retried).
/// Activities exist only while something listens (an OpenTelemetry SDK, an ActivityListener); otherwise
/// a task carries nothing and costs nothing.
/// </summary>
public static class ParallelTelemetry
{
    /// <summary>The ActivitySource's and the Meter's name: add it to a tracer and a meter provider.</summary>
    public const string Name = "Orleans.Parallel";

    /// <summary>The client's span of one task, from its submit until its reply arrived.</summary>
    public const string TaskSpan = "op.task";

    /// <summary>The load-balanced queue's span: the task waiting until it was given to an engine.</summary>
    public const string ScheduleSpan = "op.schedule";

    /// <summary>The engine's span: the task running on its engine thread.</summary>
    public const string RunSpan = "op.run";

    /// <summary>The client's span of taking a task's reply in.</summary>
    public const string ReplySpan = "op.reply";

    /// <summary>Tags: the task's message id, the engine's id, the task's end (ok, error, aborted), the view's label.</summary>
    public const string TaskIdTag = "op.task.id", EngineIdTag = "op.engine.id", StatusTag = "op.task.status", LabelTag = "op.task.label";

    /// <summary>The source every Orleans.Parallel span comes from (<see cref="Name"/>).</summary>
    public static readonly ActivitySource Source = new(Name, typeof(ParallelTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>A span that continues the trace a task carries (<paramref name="traceParent"/>); null when nobody listens or the task carries none.</summary>
    public static Activity? StartChild(string name, string? traceParent, Guid msgId, ActivityKind kind = ActivityKind.Internal, DateTime? startTime = null)
    {
        if (traceParent is null || !Source.HasListeners() || !ActivityContext.TryParse(traceParent, null, out var parent)) return null;
        var activity = Source.StartActivity(name, kind, parent, startTime: startTime is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : default);
        activity?.SetTag(TaskIdTag, msgId.ToString());
        return activity;
    }

    /// <summary>The traceparent a task carries for <paramref name="activity"/>: its W3C id, or null.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;
}
