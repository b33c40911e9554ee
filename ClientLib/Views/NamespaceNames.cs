namespace Orleans.Parallel.Views;

/// <summary>The rule for variable names: C# identifiers, so scripts can use every variable by name.</summary>
internal static class NamespaceNames
{
    public static void Check(string? name, string parameter)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("A variable name must not be null or empty.", parameter);
        if (!(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new ArgumentException(
                $"'{name}' is not a valid variable name: use a C# identifier (letters, digits, '_', not starting with a digit).", parameter);
        if (name.StartsWith("__ns", StringComparison.Ordinal))
            throw new ArgumentException($"'{name}' is reserved for the engine's own use (names starting with '__ns'); choose another name.", parameter);
    }
}
