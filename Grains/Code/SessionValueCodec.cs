using System.Reflection;
using System.Runtime.Loader;
using Orleans.Parallel.Values;

namespace Orleans.Parallel.Grains.Code;

/// <summary>
/// The graph codec (<see cref="GraphCodec"/>) as one session sees it: names resolve in the session's
/// load context, so each client's build of its own types is the one rebuilt. For a session with
/// uploaded code the codec is a private copy loaded into that context (see
/// <see cref="SessionLoadContext.PrivateCopies"/>), called through delegates of core types.
/// </summary>
internal sealed class SessionValueCodec
{
    private readonly AssemblyLoadContext _context;
    private readonly Func<object, Action<Type>, byte[]> _serialize;
    private readonly Func<byte[], Func<string, string, Type>, object?> _deserialize;

    private SessionValueCodec(AssemblyLoadContext context, Func<object, Action<Type>, byte[]> serialize,
        Func<byte[], Func<string, string, Type>, object?> deserialize)
    {
        _context = context;
        _serialize = serialize;
        _deserialize = deserialize;
    }

    /// <summary>For sessions without uploaded code: the silo's own codec and types.</summary>
    public static readonly SessionValueCodec Default =
        new(AssemblyLoadContext.Default, GraphCodec.Serialize, GraphCodec.Deserialize);

    /// <summary>Loads a private copy of the codec into <paramref name="context"/>.</summary>
    public static SessionValueCodec LoadInto(SessionLoadContext context)
    {
        var codec = SessionLoadContext.Resolve(context, typeof(GraphCodec).Assembly.GetName()).GetType(typeof(GraphCodec).FullName!, throwOnError: true)!;
        return new SessionValueCodec(context,
            codec.GetMethod(nameof(GraphCodec.Serialize))!.CreateDelegate<Func<object, Action<Type>, byte[]>>(),
            codec.GetMethod(nameof(GraphCodec.Deserialize))!.CreateDelegate<Func<byte[], Func<string, string, Type>, object?>>());
    }

    public object? Read(byte[] data) => _deserialize(data, Bind);

    public byte[] Write(object value) => _serialize(value, CheckSendable);

    /// <summary>Writes <paramref name="value"/>, refusing what <paramref name="check"/> refuses, then what a client could not rebuild.</summary>
    public byte[] Write(object value, Action<Type> check) => _serialize(value, type =>
    {
        check(type);
        CheckSendable(type);
    });

    /// <summary>Every object of a value names its type; a large collection names the same few thousands of times.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Assembly, string Type), Type> _types = new();

    private Type Bind(string assembly, string type) => _types.GetOrAdd((assembly, type), key =>
        Type.GetType($"{key.Type}, {key.Assembly}", name => SessionLoadContext.Resolve(_context, name), typeResolver: null, throwOnError: true)!);

    /// <summary>
    /// The client can rebuild types it has: the runtime's and the silo's, and those it uploaded. A
    /// type a script declared exists only on this engine.
    /// </summary>
    private static void CheckSendable(Type type)
    {
        var assembly = type.Assembly;
        var context = AssemblyLoadContext.GetLoadContext(assembly);
        if (context is SessionLoadContext || (context == AssemblyLoadContext.Default && !assembly.IsDynamic && assembly.Location.Length > 0)) return;
        throw new NotSupportedException(
            $"{type} was declared by a script on the engine, so the client has no such type. " +
            "Return plain values (numbers, strings, arrays, collections, or the client's own types) instead.");
    }
}
