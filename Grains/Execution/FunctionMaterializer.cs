using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Wire;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>Turns a <see cref="FunctionPayload"/> back into a method and a target object on the engine.</summary>
public sealed class FunctionMaterializer(SessionCodeRegistry code)
{
    private readonly ConcurrentDictionary<(Guid Session, Guid Mvid, int Token, string Generic), MethodInfo> _methods = new();

    /// <summary>Closure fields by type and name; a closure is rebuilt on every call that ships it.</summary>
    private readonly ConcurrentDictionary<(Type Type, string Name), FieldInfo?> _fields = new();

    /// <summary>A callable function: the method, and the target to call it on (null when static).</summary>
    public readonly record struct Function(MethodInfo Method, object? Target)
    {
        public object? Invoke(object?[] args)
        {
            try { return Method.Invoke(Target, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }

    /// <summary>
    /// The closures rebuilt for one request, by the ids the client gave them, so that back-references
    /// (<see cref="ClosureRef"/>) anywhere in the request find the same object.
    /// </summary>
    public sealed class Scope(Guid session)
    {
        public Guid Session { get; } = session;
        internal Dictionary<int, object> Closures { get; } = new();
    }

    public Function Materialize(Scope scope, FunctionPayload payload) =>
        new(ResolveMethod(scope.Session, payload), MaterializeValue(scope, payload.Target));

    /// <summary>Rebuilds closures and functions inside a value; other values pass through.</summary>
    public object? MaterializeValue(Scope scope, object? value) => value switch
    {
        ClosureValue closure => MaterializeClosure(scope, closure),
        ClosureRef reference => scope.Closures.TryGetValue(reference.Id, out var closure) ? closure
            : throw new InvalidOperationException($"Closure #{reference.Id} is referenced before it is defined."),
        FunctionPayload function => CreateDelegate(scope, function),
        UserValue user => code.CodecFor(scope.Session).Read(user.Data as byte[]
            ?? throw new InvalidDataException($"The {user.TypeName} value arrived without its data.")),
        _ => value,
    };

    private Delegate CreateDelegate(Scope scope, FunctionPayload payload)
    {
        var session = scope.Session;
        var function = Materialize(scope, payload);
        var delegateType = code.ResolveType(session, payload.DelegateType);
        return function.Method.IsStatic || function.Target is not null
            ? function.Method.CreateDelegate(delegateType, function.Target)
            : throw new InvalidOperationException($"Function {payload.MethodName} needs a target and has none.");
    }

    private object MaterializeClosure(Scope scope, ClosureValue closure)
    {
        var type = code.ResolveType(scope.Session, closure.TypeName);
        var instance = RuntimeHelpers.GetUninitializedObject(type);
        scope.Closures[closure.Id] = instance;
        foreach (var field in closure.Fields)
        {
            var info = _fields.GetOrAdd((type, field.Name), key =>
                key.Type.GetField(key.Name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                ?? throw new MissingFieldException(type.FullName, field.Name);
            info.SetValue(instance, MaterializeValue(scope, field.Value));
        }
        return instance;
    }

    private MethodInfo ResolveMethod(Guid session, FunctionPayload p)
    {
        var key = (session, p.Assembly.Mvid, p.MetadataToken, string.Join(',', p.GenericArguments));
        if (_methods.TryGetValue(key, out var cached)) return cached;

        var assembly = code.Resolve(session, p.Assembly);
        MethodInfo method;
        if (assembly.ManifestModule.ModuleVersionId == p.Assembly.Mvid)
        {
            method = assembly.ManifestModule.ResolveMethod(p.MetadataToken) as MethodInfo
                ?? throw new MissingMethodException(p.DeclaringType, p.MethodName);
        }
        else
        {
            // Another build of the same assembly (a framework assembly of another patch level): match by signature.
            var type = assembly.GetType(p.DeclaringType, throwOnError: true)!;
            var parameters = p.ParameterTypes.Select(t => code.ResolveType(session, t)).ToArray();
            method = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)
                .FirstOrDefault(m => m.Name == p.MethodName && m.GetGenericArguments().Length == p.GenericArguments.Count
                    && (m.IsGenericMethodDefinition || m.GetParameters().Select(x => x.ParameterType).SequenceEqual(parameters)))
                ?? throw new MissingMethodException(p.DeclaringType, p.MethodName);
        }
        if (p.GenericArguments.Count > 0)
            method = method.MakeGenericMethod(p.GenericArguments.Select(t => code.ResolveType(session, t)).ToArray());
        _methods.TryAdd(key, method);
        return method;
    }

    internal void ForgetSession(Guid session)
    {
        foreach (var key in _methods.Keys.Where(k => k.Session == session).ToList()) _methods.TryRemove(key, out _);
        // Fields of the session's types would keep its load context alive.
        foreach (var key in _fields.Keys.Where(k => k.Type.Assembly.IsCollectible).ToList())
            if (code.IsSessionType(session, key.Type)) _fields.TryRemove(key, out _);
    }
}
