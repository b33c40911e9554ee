using Newtonsoft.Json.Serialization;

namespace Orleans.Parallel.Values;

/// <summary>
/// Names types by full name and assembly, and finds them again through the caller's resolver, so
/// the reader decides which load context (which build of an assembly) a name means. Json.NET's
/// own binder would cache names process-wide and mix builds up.
/// </summary>
internal sealed class TypeBinder(Action<Type>? typeSeen, Func<string, string, Type>? bind) : ISerializationBinder
{
    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName)
    {
        typeSeen?.Invoke(serializedType);
        assemblyName = serializedType.Assembly.FullName;
        typeName = serializedType.FullName;
    }

    public Type BindToType(string? assemblyName, string typeName) =>
        bind is null ? throw new InvalidOperationException("This codec only writes.")
            : bind(assemblyName ?? "", typeName);
}
