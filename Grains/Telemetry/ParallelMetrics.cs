using System.Diagnostics.Metrics;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Telemetry;
using TaskStatus = Orleans.Parallel.Engine.TaskStatus;

namespace Orleans.Parallel.Grains.Telemetry;

/// <summary>
/// The silo's task figures, on the meter <see cref="ParallelTelemetry.Name"/> (made through
/// <see cref="IMeterFactory"/>, so it belongs to the silo's host): tasks submitted, completed and failed,
/// their durations, the load-balanced queue's length, busy engines, bulk bytes and script compile time.
/// Instruments cost a few nanoseconds when nothing collects them.
/// </summary>
public sealed class ParallelMetrics
{
    private readonly Meter _meter;
    private readonly Counter<long> _submitted, _completed, _failed, _bulkBytes;
    private readonly Histogram<double> _duration, _compile;
    private readonly UpDownCounter<int> _busy;

    public ParallelMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(ParallelTelemetry.Name);
        _submitted = _meter.CreateCounter<long>("op.tasks.submitted", "{task}", "Tasks that reached this silo: at an engine, or at the load-balanced queue.");
        _completed = _meter.CreateCounter<long>("op.tasks.completed", "{task}", "Tasks that ended on this silo with a result.");
        _failed = _meter.CreateCounter<long>("op.tasks.failed", "{task}", "Tasks that ended on this silo with an error or aborted (op.task.status says which).");
        _duration = _meter.CreateHistogram<double>("op.task.duration", "s", "How long tasks ran on their engines.");
        _busy = _meter.CreateUpDownCounter<int>("op.engines.busy", "{engine}", "This silo's engines running a task now.");
        _bulkBytes = _meter.CreateCounter<long>("op.bulk.bytes", "By", "Bytes of large arrays through the bulk port (op.bulk.direction: in or out).");
        _compile = _meter.CreateHistogram<double>("op.compile.duration", "s", "Roslyn compiling an Execute's script (binding and emitting), when the silo had not compiled it already.");
    }

    /// <summary>The load-balanced queue's length, read when the meter is collected.</summary>
    public void ObserveQueue(Func<int> waiting) =>
        _meter.CreateObservableGauge("op.queue.length", waiting, "{task}", "Load-balanced tasks waiting in this silo's queue for an engine.");

    public void Submitted() => _submitted.Add(1);

    /// <summary>A task ended: completed or failed by its status, its run time, its compile time if it compiled.</summary>
    public void Ended(TaskReply reply)
    {
        if (reply.Status == TaskStatus.Ok) _completed.Add(1);
        else _failed.Add(1, new KeyValuePair<string, object?>(ParallelTelemetry.StatusTag, reply.Status == TaskStatus.Aborted ? "aborted" : "error"));
        if (reply.Started is { } started && _duration.Enabled) _duration.Record(Math.Max(0, (reply.Completed - started).TotalSeconds));
        if (reply.Timings is { Compiled: true } timings) _compile.Record((timings.DeclareMs + timings.EmitMs) / 1000);
    }

    public void EngineBusy() => _busy.Add(1);

    public void EngineIdle() => _busy.Add(-1);

    public void BulkIn(long bytes) => _bulkBytes.Add(bytes, new KeyValuePair<string, object?>("op.bulk.direction", "in"));

    public void BulkOut(long bytes) => _bulkBytes.Add(bytes, new KeyValuePair<string, object?>("op.bulk.direction", "out"));
}
