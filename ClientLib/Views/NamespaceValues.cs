using System.Collections;
using System.Reflection;

namespace Orleans.Parallel.Views;

/// <summary>Reads the variables to push from a dictionary or the properties of an (anonymous) object.</summary>
internal static class NamespaceValues
{
    public static Dictionary<string, object?> From(object values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        switch (values)
        {
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                    Add(result, entry.Key as string ?? throw new ArgumentException(
                        $"Variable names must be strings; found a key of type {entry.Key.GetType().Name}.", nameof(values)), entry.Value);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (name, value) in pairs) Add(result, name, value);
                break;
            default:
                var properties = values.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public)
                    .Where(p => p.CanRead && p.GetIndexParameters().Length == 0).ToArray();
                if (properties.Length == 0)
                    throw new ArgumentException(
                        $"Nothing to push: {values.GetType().Name} has no public properties. Pass a dictionary or an anonymous object such as new {{ a = 1 }}.",
                        nameof(values));
                foreach (var p in properties) Add(result, p.Name, p.GetValue(values));
                break;
        }
        if (result.Count == 0) throw new ArgumentException("Nothing to push: the dictionary is empty.", nameof(values));
        return result;
    }

    private static void Add(Dictionary<string, object?> result, string? name, object? value)
    {
        NamespaceNames.Check(name, "values");
        result[name!] = value;
    }
}
