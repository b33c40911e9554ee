using System.Runtime.Loader;
using Orleans.Parallel.Checkpoints;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Engine;
using Orleans.Parallel.Wire;
using Orleans.Serialization;

namespace Orleans.Parallel.Grains.Checkpoints;

/// <summary>
/// Writes an engine's namespace to its checkpoint and reads one back, on the engine thread (the
/// namespace is touched nowhere else), waiting there for the checkpoint grain as a task waits for
/// its own work. Values Orleans carries are written by Orleans; the user's own types by the graph
/// codec, with the uploaded assemblies they come from, which the cluster's assembly store keeps.
/// A variable that cannot be written or read back is named with the reason, never dropped silently.
/// </summary>
public sealed class NamespaceCheckpoints(ICheckpointStore store, SessionCodeRegistry code, Serializer serializer)
{
    /// <summary>How long the engine waits for the storage (a checkpoint of large arrays goes to Redis or Azure whole).</summary>
    private static readonly TimeSpan StorageWait = TimeSpan.FromMinutes(2);

    /// <summary>Besides <see cref="ProcessBound"/> types: what only this process can use (code, reflection, load contexts).</summary>
    private static readonly Type[] ProcessOnly = [typeof(Delegate), typeof(System.Reflection.MemberInfo), typeof(AssemblyLoadContext)];

    /// <summary>Stores <paramref name="ns"/> as engine <paramref name="engineId"/>'s checkpoint, replacing the last.</summary>
    internal CheckpointReport Save(int engineId, Guid session, EngineNamespace ns)
    {
        var checkpoint = new EngineCheckpoint { EngineId = engineId, Taken = DateTime.UtcNow };
        foreach (var (name, value) in ns.Values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            try { checkpoint.Variables.Add(Write(name, value, session)); }
            catch (Exception e) when (e is not OutOfMemoryException) { checkpoint.NotSaved[name] = Reason(value, e); }
        }
        var bytes = checkpoint.Variables.Sum(v => (long)v.Data.Length);
        bool durable;
        try
        {
            durable = store.SaveAsync(checkpoint)
                .WaitAsync(StorageWait).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"The checkpoint of engine {engineId} ({checkpoint.Variables.Count} variables, {bytes:N0} bytes) could not be stored: {e.Message} " +
                "The last checkpoint, if any, is unchanged.", e);
        }
        return new CheckpointReport(engineId, checkpoint.Taken, checkpoint.Variables.Select(v => v.Name).ToArray(),
            new Dictionary<string, string>(checkpoint.NotSaved, StringComparer.Ordinal), bytes, durable);
    }

    /// <summary>
    /// Sets the variables of engine <paramref name="fromEngineId"/>'s last checkpoint in <paramref name="ns"/>
    /// (other variables stay), rebuilding the user's types in <paramref name="session"/>'s load context.
    /// </summary>
    internal RestoreReport Restore(int engineId, int fromEngineId, Guid session, EngineNamespace ns)
    {
        var checkpoint = store.GetAsync(fromEngineId).WaitAsync(StorageWait).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException(
                $"Engine {fromEngineId} has no checkpoint in this cluster's storage: take one with CheckpointAsync() before its engine is lost.");
        var notRestored = new Dictionary<string, string>(checkpoint.NotSaved, StringComparer.Ordinal);
        var values = new List<(string Name, object? Value)>();
        foreach (var variable in checkpoint.Variables)
        {
            try { values.Add((variable.Name, Read(variable, session))); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                notRestored[variable.Name] = $"its {variable.TypeName} could not be rebuilt: {e.Message}";
            }
        }
        foreach (var (name, value) in values) ns.Set(name, value);
        return new RestoreReport(engineId, fromEngineId, checkpoint.Taken, values.Select(v => v.Name).ToArray(), notRestored);
    }

    private CheckpointVariable Write(string name, object? value, Guid session)
    {
        ValueDepth.Check(value, $"Variable {name}"); // refused, as not saved, before a recursive writer meets it
        var typeName = value?.GetType().FullName ?? "null";
        if (OrleansCarriage.Carries(serializer, value))
            return new CheckpointVariable { Name = name, Encoding = CheckpointEncoding.Orleans, TypeName = typeName, Data = serializer.SerializeToArray(value) };
        // The user's own types: written by the codec of the session whose assemblies they come from.
        var owner = SessionOf(value!.GetType())?.SessionId ?? session;
        var data = code.CodecFor(owner).Write(value, RefuseProcessBound);
        return new CheckpointVariable
        {
            Name = name, Encoding = CheckpointEncoding.Graph, TypeName = typeName, Data = data, Assemblies = code.UploadsOf(owner).ToList(),
        };
    }

    private object? Read(CheckpointVariable variable, Guid session)
    {
        switch (variable.Encoding)
        {
            case CheckpointEncoding.Orleans:
                return serializer.Deserialize<object?>(variable.Data);
            case CheckpointEncoding.Graph:
                // The assemblies come from the cluster's store; a session that already has another build of one refuses.
                code.PrepareAsync(session, variable.Assemblies).AsTask().WaitAsync(StorageWait).GetAwaiter().GetResult();
                return code.CodecFor(session).Read(variable.Data);
            default:
                throw new InvalidDataException($"Unknown checkpoint encoding {variable.Encoding}.");
        }
    }

    private static void RefuseProcessBound(Type type)
    {
        if (ProcessBound.Is(type) || ProcessOnly.Any(bound => bound.IsAssignableFrom(type)))
            throw new NotSupportedException($"A {type.FullName} means something only in the engine's process, so it is not checkpointed.");
        if (type.Assembly.IsDynamic || AssemblyLoadContext.GetLoadContext(type.Assembly) is Execution.Scripts.ScriptLoadContext)
            throw new NotSupportedException(
                $"{type.FullName} was declared by a script on this engine, and an engine restored elsewhere has no such type. " +
                "Checkpoint plain values or your own compiled types instead.");
    }

    /// <summary>The session load context a type (or a type argument, or element type, of it) comes from.</summary>
    private static SessionLoadContext? SessionOf(Type type)
    {
        if (AssemblyLoadContext.GetLoadContext(type.Assembly) is SessionLoadContext context) return context;
        if (type.HasElementType && SessionOf(type.GetElementType()!) is { } element) return element;
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
            if (SessionOf(argument) is { } found) return found;
        return null;
    }

    private static string Reason(object? value, Exception e) =>
        $"its {value?.GetType().FullName ?? "value"} cannot be stored: {e.Message}";
}
