using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace Orleans.Parallel.Values;

/// <summary>
/// Keeps the type of a value held where the declared type is <c>object</c> (a field, a list item, a
/// dictionary value, the root). Json.NET writes <c>$type</c> for objects and collections only, so a
/// boxed <c>int</c>, <c>decimal</c>, enum, <c>DateTime</c> or <c>Guid</c> would come back as a
/// <c>long</c>, <c>double</c> or string. Such values are written as <c>["type, assembly", value]</c>,
/// which cannot be confused with anything else in an object slot: with every type named, collections
/// there are written as objects.
/// </summary>
internal sealed class ObjectSlotConverter : JsonConverter
{
    public static readonly ObjectSlotConverter Instance = new();

    public override bool CanConvert(Type objectType) => objectType == typeof(object);

    public override void WriteJson(JsonWriter writer, object? value, JsonSerializer serializer)
    {
        if (value is null)
        {
            writer.WriteNull();
            return;
        }
        var type = value.GetType();
        if (!NeedsTag(type, serializer))
        {
            serializer.Serialize(writer, value, typeof(object));
            return;
        }
        serializer.SerializationBinder.BindToName(type, out var assembly, out var name);
        writer.WriteStartArray();
        writer.WriteValue($"{name}, {assembly}");
        serializer.Serialize(writer, value, type);
        writer.WriteEndArray();
    }

    public override object? ReadJson(JsonReader reader, Type objectType, object? existingValue, JsonSerializer serializer)
    {
        if (reader.TokenType != JsonToken.StartArray) return serializer.Deserialize(reader, typeof(object));
        reader.Read();
        var tag = reader.Value as string ?? throw new JsonSerializationException("A typed value has no type name.");
        var comma = tag.IndexOf(", ", StringComparison.Ordinal);
        var type = serializer.SerializationBinder.BindToType(tag[(comma + 2)..], tag[..comma]);
        reader.Read();
        var value = serializer.Deserialize(reader, type);
        reader.Read(); // the closing ]
        return value;
    }

    /// <summary>Values whose JSON form does not say their type: every primitive contract but strings and booleans.</summary>
    private static bool NeedsTag(Type type, JsonSerializer serializer) =>
        type != typeof(string) && type != typeof(bool) && serializer.ContractResolver.ResolveContract(type) is JsonPrimitiveContract;
}
