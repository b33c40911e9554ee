using System.Text;
using Newtonsoft.Json;

namespace Orleans.Parallel.Values;

/// <summary>
/// Writes and reads whole object graphs of any types as Json.NET text with every object's type
/// (<c>$type</c>) and shared or cyclic objects as references (<c>$id</c>/<c>$ref</c>). Types of
/// the user's own assemblies are written field by field, private fields included, and rebuilt
/// without running a constructor (see <see cref="FieldContractResolver"/>); framework types keep
/// Json.NET's own handling. Its public methods use only core types, so an engine can call the copy
/// it loaded into a session's load context through plain delegates.
/// </summary>
public static class GraphCodec
{
    /// <summary>The deepest nesting read or written; deeper graphs fail with a message rather than a stack overflow.</summary>
    public const int MaxDepth = 1000;

    private static readonly FieldContractResolver Resolver = new();

    /// <summary>Serializes <paramref name="value"/>; <paramref name="typeSeen"/> sees every type written by name and may throw to refuse it.</summary>
    /// <exception cref="NotSupportedException">Something in the graph cannot be written (a delegate, a graph deeper than <see cref="MaxDepth"/>).</exception>
    public static byte[] Serialize(object value, Action<Type> typeSeen)
    {
        using var buffer = new MemoryStream();
        JsonTextWriter? json = null;
        // A type refused by the caller is reported with where in the value it was met.
        void Seen(Type type)
        {
            try
            {
                typeSeen(type);
            }
            catch (Exception e) when (e is not JsonException && json?.Path is { Length: > 0 } path)
            {
                throw new NotSupportedException($"Its member '{path}' holds a {type.FullName}: {e.Message}", e);
            }
        }
        var serializer = JsonSerializer.Create(Settings(new TypeBinder(Seen, bind: null)));
        try
        {
            using var writer = new StreamWriter(buffer, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            json = new JsonTextWriter(writer);
            serializer.Serialize(json, new Root { Value = value }, typeof(Root));
            json.Close();
        }
        catch (JsonException e)
        {
            throw new NotSupportedException($"A {value.GetType().FullName} cannot be written: {e.Message}", e);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a graph written by <see cref="Serialize"/>, finding each type with <paramref name="bind"/> (assembly name, type name).</summary>
    /// <exception cref="InvalidDataException">The text does not make a value of the named types.</exception>
    public static object? Deserialize(byte[] data, Func<string, string, Type> bind)
    {
        var serializer = JsonSerializer.Create(Settings(new TypeBinder(typeSeen: null, bind)));
        using var reader = new JsonTextReader(new StreamReader(new MemoryStream(data, writable: false), Encoding.UTF8));
        try
        {
            return serializer.Deserialize<Root>(reader)?.Value;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"A value could not be rebuilt: {e.Message}", e);
        }
    }

    private static JsonSerializerSettings Settings(TypeBinder binder) => new()
    {
        ContractResolver = Resolver,
        SerializationBinder = binder,
        TypeNameHandling = TypeNameHandling.All,
        TypeNameAssemblyFormatHandling = TypeNameAssemblyFormatHandling.Full,
        PreserveReferencesHandling = PreserveReferencesHandling.Objects,
        ReferenceLoopHandling = ReferenceLoopHandling.Serialize,
        DateParseHandling = DateParseHandling.None,
        DateTimeZoneHandling = DateTimeZoneHandling.RoundtripKind,
        FloatFormatHandling = FloatFormatHandling.String,
        MetadataPropertyHandling = MetadataPropertyHandling.Default,
        ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor,
        MaxDepth = MaxDepth,
    };

    /// <summary>Holds the value being written, so that it sits in an object slot and keeps its type like any other.</summary>
    private sealed class Root
    {
        public object? Value;
    }
}
