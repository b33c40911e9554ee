using System.Collections;
using System.Globalization;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// A pulled or local value as C# would write it: strings quoted, sequences in brackets (the first
/// <see cref="MaxItems"/> items), numbers in the invariant culture.
/// </summary>
internal static class ValueText
{
    public const int MaxItems = 20;

    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"",
        char c => $"'{c}'",
        bool b => b ? "true" : "false",
        IDictionary dictionary => "{ " + string.Join(", ", dictionary.Cast<DictionaryEntry>().Take(MaxItems)
            .Select(e => $"[{Format(e.Key)}] = {Format(e.Value)}")) + (dictionary.Count > MaxItems ? ", …" : "") + " }",
        IEnumerable sequence => Sequence(sequence),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Sequence(IEnumerable sequence)
    {
        var items = sequence.Cast<object?>().Take(MaxItems + 1).ToList();
        var more = items.Count > MaxItems;
        return "[" + string.Join(", ", items.Take(MaxItems).Select(Format)) + (more ? ", …" : "") + "]";
    }
}
