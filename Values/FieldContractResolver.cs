using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Orleans.Parallel.Values;

/// <summary>
/// Json.NET contracts for whole-value fidelity. A type from the user's own assemblies becomes an
/// object of its instance fields (private ones, inherited ones and record backing fields included),
/// created without running a constructor, exactly as the fields were. Framework types (collections,
/// tuples, dates, numbers) keep Json.NET's handling. Delegates refuse, naming the type.
/// </summary>
internal sealed class FieldContractResolver : DefaultContractResolver
{
    private static readonly string FrameworkDirectory =
        Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory()).TrimEnd(Path.DirectorySeparatorChar);

    public FieldContractResolver()
    {
        IgnoreSerializableInterface = true;
        IgnoreSerializableAttribute = true;
    }

    protected override JsonContract CreateContract(Type objectType)
    {
        if (typeof(Delegate).IsAssignableFrom(objectType))
            throw new JsonSerializationException(
                $"A {objectType} cannot travel inside another value. Push the delegate as a variable of its own, or pass it to Apply.");
        // A plain user type is an object of its fields. Deciding that here skips Json.NET's question
        // whether a TypeConverter could write it as a string: that asks TypeDescriptor, whose
        // process-wide cache would keep the type (and its session's load context) alive forever.
        var type = Nullable.GetUnderlyingType(objectType) ?? objectType;
        if (!IsFramework(type) && !type.IsEnum && !type.IsPrimitive && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return CreateObjectContract(objectType);
        return base.CreateContract(objectType);
    }

    protected override JsonProperty CreateProperty(MemberInfo member, MemberSerialization memberSerialization)
    {
        var property = base.CreateProperty(member, memberSerialization);
        if (property.PropertyType == typeof(object)) property.Converter = ObjectSlotConverter.Instance;
        return property;
    }

    protected override JsonArrayContract CreateArrayContract(Type objectType)
    {
        var contract = base.CreateArrayContract(objectType);
        if (contract.CollectionItemType == typeof(object)) contract.ItemConverter = ObjectSlotConverter.Instance;
        contract.IsReference = IsSharable(objectType);
        return contract;
    }

    protected override JsonDictionaryContract CreateDictionaryContract(Type objectType)
    {
        var contract = base.CreateDictionaryContract(objectType);
        if (contract.DictionaryValueType == typeof(object)) contract.ItemConverter = ObjectSlotConverter.Instance;
        contract.IsReference = IsSharable(objectType);
        return contract;
    }

    protected override JsonObjectContract CreateObjectContract(Type objectType)
    {
        var contract = base.CreateObjectContract(objectType);
        if (IsFramework(objectType)) return contract;
        contract.Properties.Clear();
        foreach (var property in FieldProperties(objectType)) contract.Properties.Add(property);
        contract.DefaultCreator = () => RuntimeHelpers.GetUninitializedObject(objectType);
        contract.DefaultCreatorNonPublic = false;
        contract.OverrideCreator = null;
        contract.CreatorParameters.Clear();
        contract.ExtensionDataGetter = null;
        contract.ExtensionDataSetter = null;
        return contract;
    }

    private static IEnumerable<JsonProperty> FieldProperties(Type type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // A base class's private field may share a name with a derived one: qualify the later.
                var name = names.Add(field.Name) ? field.Name : $"{t.FullName}.{field.Name}";
                names.Add(name);
                yield return new JsonProperty
                {
                    PropertyName = name,
                    UnderlyingName = field.Name,
                    DeclaringType = field.DeclaringType,
                    PropertyType = field.FieldType,
                    // Reflection, not emitted IL: it may set readonly fields.
                    ValueProvider = new ReflectionValueProvider(field),
                    Readable = true,
                    Writable = true,
                    Converter = field.FieldType == typeof(object) ? ObjectSlotConverter.Instance : null,
                };
            }
        }
    }

    /// <summary>
    /// Mutable collections built empty and then filled (lists, sets, dictionaries) keep their identity
    /// when shared, like objects. Json.NET cannot do that for arrays or collections built from their
    /// items (immutable ones), which are therefore written once per place they appear.
    /// </summary>
    private static bool IsSharable(Type type) =>
        !type.IsArray && !type.IsValueType && type.GetConstructor(Type.EmptyTypes) is not null
        && type.Namespace != "System.Collections.Immutable";

    /// <summary>Types of the runtime's own assemblies keep Json.NET's handling.</summary>
    private static bool IsFramework(Type type)
    {
        var location = type.Assembly.Location;
        return !string.IsNullOrEmpty(location)
            && string.Equals(Path.GetDirectoryName(Path.GetFullPath(location)), FrameworkDirectory, StringComparison.Ordinal);
    }
}
