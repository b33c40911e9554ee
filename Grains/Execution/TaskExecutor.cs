using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Grains.Execution.Scripts;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>Runs one request against one namespace. Called on the engine thread only.</summary>
public sealed class TaskExecutor(ScriptCompiler scripts, FunctionMaterializer functions, SessionCodeRegistry code, IWireValues bulk, Checkpoints.NamespaceCheckpoints checkpoints,
    IOptions<MessagingOptions> messaging)
{
    /// <summary>The most bytes Orleans carries in one message from this silo (<see cref="MessagingOptions.MaxMessageBodySize"/>).</summary>
    private readonly int _maxMessage = messaging.Value.MaxMessageBodySize;

    /// <summary>
    /// What a request produced: its value in wire form, for scripts the text of the last expression,
    /// and, when arrays are offered in bulk, a task that completes once the client has read them.
    /// </summary>
    internal readonly record struct Outcome(object? Result, string? ExecuteResult, Task? Sent = null, ExecuteTimings? Timings = null);

    /// <summary>
    /// Runs <paramref name="task"/>. <paramref name="cancellationToken"/> is the task's own: a script
    /// sees it as <c>CancellationToken</c>, and a function gets it for every parameter of that type
    /// (whatever the client sent there). <paramref name="engineId"/> names the engine's checkpoint.
    /// </summary>
    internal Outcome Run(EngineTask task, EngineNamespace ns, int engineId, CancellationToken cancellationToken = default)
    {
        var outcome = task.Request switch
        {
            ExecuteRequest r => Execute(task.SessionId, r.Code, ns, cancellationToken),
            PushRequest r => Push(new(task.SessionId), r, ns),
            PullRequest r => Pull(r, ns),
            ApplyRequest r => new Outcome(Apply(new(task.SessionId), r, ns, cancellationToken), null),
            MapRequest r => new Outcome(Map(new(task.SessionId), r, ns, cancellationToken), null),
            ClearRequest => Clear(ns),
            KeysRequest r => new Outcome(NamespaceListing.List(ns, r.WithTypes), null),
            CheckpointRequest => new Outcome(checkpoints.Save(engineId, task.SessionId, ns), null),
            RestoreRequest r => new Outcome(checkpoints.Restore(engineId, r.FromEngineId, task.SessionId, ns), null),
            SkipRequest => default,
            _ => throw new NotSupportedException($"Unknown request {task.Request.GetType().Name}."),
        };
        return ToWire(outcome, task.SessionId, task.Request is PullRequest { Single: false } or MapRequest { ItemErrors: true });
    }

    /// <summary>
    /// The outcome with its value (or each value of a multi-name pull) in wire form. A silo running
    /// an isolated engine calls it on what the engine's process sent: there the arrays are offered
    /// in bulk and the size of what is left is checked.
    /// </summary>
    internal Outcome ToWire(Outcome outcome, Guid session, bool several)
    {
        // Before Orleans, the hub's record or the codec walk it recursively: a too-deep result fails this task, not the silo.
        ValueDepth.Check(outcome.Result, several ? "A pulled value" : "The task's result");
        List<Task>? sending = null;
        object? result;
        if (several)
        {
            var values = (object?[])outcome.Result!;
            for (var i = 0; i < values.Length; i++) values[i] = bulk.Offer(values[i], session, ref sending);
            result = values;
        }
        else result = bulk.Offer(outcome.Result, session, ref sending);
        if (TooLarge(_maxMessage, result, outcome.ExecuteResult) is { } tooLarge) throw tooLarge;
        return outcome with { Result = result, Sent = sending is null ? null : Task.WhenAll(sending) };
    }

    /// <summary>
    /// Why a result cannot travel, when what stays in its reply (not offered in bulk) cannot fit one
    /// message of <paramref name="limit"/> bytes: Orleans would find out only in its send loop, where
    /// the reply is lost, its connection closed and the client left waiting. Null when it may fit.
    /// </summary>
    internal static ResultTooLargeException? TooLarge(long limit, object? result, string? executeResult) =>
        MessageSize.Exceeds(limit, ("the task's result", result), ("the script's result", executeResult)) is { } excess
            ? new ResultTooLargeException(MessageSize.Describe(excess, limit, result: true))
            : null;

    private Outcome Execute(Guid session, string text, EngineNamespace ns, CancellationToken cancellationToken)
    {
        object? result;
        var clock = new ExecuteClock();
        if (ns.Chain is { } kept && !ScriptCompiler.FitsPrelude(ns.Values))
        {
            result = scripts.Continue(kept, ns.Values, text, clock, cancellationToken);
            foreach (var (name, value) in kept.Variables) ns.Set(name, value);
            if (ScriptCompiler.FitsPrelude(ns.Values))
            {
                ns.Chain = null; // no value needs the chain's types any more: its context can go
                kept.Dispose();
            }
        }
        else
        {
            var (compiled, literals, renamed) = scripts.Prepare(ns.Values, text, clock);
            var context = code.ContextFor(session);
            var loaded = scripts.Load(compiled, context);
            clock.Lap(ExecuteClock.Phase.Load);
            (result, var submissions) = loaded.Run(new ScriptGlobals(ns.Values, cancellationToken, literals));
            clock.Lap(ExecuteClock.Phase.Run);
            foreach (var (name, value) in ScriptChain.VariablesOf(submissions, renamed)) ns.Set(name, value);
            // Values of types this script declared: later scripts must continue this run to name them.
            var previous = ns.Chain;
            ns.Chain = ScriptCompiler.FitsPrelude(ns.Values) ? null : ScriptCompiler.Continuing(loaded, compiled, submissions, ns.Values, context);
            previous?.Dispose();
        }
        return new Outcome(null, result?.ToString(), Timings: clock.ToTimings());
    }

    private Outcome Push(FunctionMaterializer.Scope scope, PushRequest request, EngineNamespace ns)
    {
        // All values are rebuilt before any is set, so a push that fails leaves the namespace as it was.
        var values = request.Values.Select(kv => (kv.Key, Value: functions.MaterializeValue(scope, bulk.Receive(kv.Value)))).ToArray();
        foreach (var (name, value) in values) ns.Set(name, value);
        return default;
    }

    private static Outcome Pull(PullRequest request, EngineNamespace ns)
    {
        if (request.Single) return new Outcome(ns.Get(request.Names[0]), null);
        var values = new object?[request.Names.Count];
        for (var i = 0; i < values.Length; i++) values[i] = ns.Get(request.Names[i]);
        return new Outcome(values, null);
    }

    private static Outcome Clear(EngineNamespace ns)
    {
        ns.Clear();
        return default;
    }

    private object? Apply(FunctionMaterializer.Scope scope, ApplyRequest request, EngineNamespace ns, CancellationToken cancellationToken)
    {
        var function = functions.Materialize(scope, request.Function);
        var parameters = function.Method.GetParameters();
        if (parameters.Length != request.Args.Length)
            throw new TargetParameterCountException(
                $"{function.Method.Name} takes {parameters.Length} argument(s); {request.Args.Length} were given.");
        var args = new object?[request.Args.Length];
        for (var i = 0; i < args.Length; i++)
            args[i] = ResolveArgument(scope, request.Args[i], parameters[i].ParameterType, ns, cancellationToken);
        return Awaiting.Unwrap(function.Invoke(args));
    }

    /// <summary>The chunk's results in item order; with <see cref="MapRequest.ItemErrors"/>, <c>object?[] { results, MapItemError[] }</c>.</summary>
    private object Map(FunctionMaterializer.Scope scope, MapRequest request, EngineNamespace ns, CancellationToken cancellationToken)
    {
        var function = functions.Materialize(scope, request.Function);
        var parameters = function.Method.GetParameters();
        var arity = 1 + (request.More?.Count ?? 0);
        // After its items a function may take the task's token (Parallel.ForEachAsync's body shape, (item, token)).
        var takesToken = parameters.Length == arity + 1 && parameters[arity].ParameterType == typeof(CancellationToken);
        if (parameters.Length != arity && !takesToken)
            throw new TargetParameterCountException(
                $"{function.Method.Name} takes {parameters.Length} argument(s) but is mapped over {arity} sequence(s); it must take one argument per sequence (and may take a CancellationToken last).");
        var first = functions.MaterializeValue(scope, bulk.Receive(request.Items))!;
        if (arity == 1 && !request.ItemErrors && TypedMap.TryRun(function, first, cancellationToken) is { } fast) return fast;
        var sequences = new IList[arity];
        sequences[0] = (IList)first;
        for (var s = 1; s < arity; s++)
        {
            sequences[s] = (IList)functions.MaterializeValue(scope, bulk.Receive(request.More![s - 1]))!;
            if (sequences[s].Count != sequences[0].Count)
                throw new ArgumentException($"Sequence {s} of the chunk has {sequences[s].Count} items but sequence 0 has {sequences[0].Count}.");
        }
        var results = Array.CreateInstance(Awaiting.ResultType(function.Method.ReturnType), sequences[0].Count);
        List<MapItemError>? failed = request.ItemErrors ? [] : null;
        var args = new object?[parameters.Length];
        if (takesToken) args[arity] = cancellationToken;
        for (var index = 0; index < results.Length; index++)
        {
            cancellationToken.ThrowIfCancellationRequested(); // an aborted map stops between items
            try
            {
                for (var s = 0; s < arity; s++) args[s] = ResolveArgument(scope, sequences[s][index], parameters[s].ParameterType, ns, cancellationToken);
                results.SetValue(Awaiting.Unwrap(function.Invoke(args)), index);
            }
            catch (Exception e)
            {
                var error = MapItemException.For(index, e, cancellationToken);
                if (failed is null || error is not MapItemException) throw error;
                failed.Add(new MapItemError(index, RemoteErrors.From(error)));
            }
        }
        return failed is null ? results : new object?[] { results, failed.ToArray() };
    }

    private object? ResolveArgument(FunctionMaterializer.Scope scope, object? arg, Type parameterType, EngineNamespace ns, CancellationToken cancellationToken)
    {
        if (parameterType == typeof(CancellationToken)) return cancellationToken;
        if (arg is not ReferenceArg reference) return functions.MaterializeValue(scope, bulk.Receive(arg));
        var value = ns.Get(reference.Name);
        var expected = reference.ExpectedType is null ? parameterType : code.ResolveType(scope.Session, reference.ExpectedType);
        if (value is null ? expected.IsValueType && Nullable.GetUnderlyingType(expected) is null : !expected.IsInstanceOfType(value))
            throw new InvalidCastException(
                $"Reference '{reference.Name}' is {value?.GetType().FullName ?? "null"} on this engine, not {expected.FullName}.");
        return value;
    }
}
