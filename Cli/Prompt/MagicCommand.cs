namespace Orleans.Parallel.Cli.Prompt;

/// <summary>A prompt command such as <c>%targets 0,2</c>: its name (without the %) and the rest of the line, trimmed.</summary>
internal sealed record MagicCommand(string Name, string Argument)
{
    /// <summary>
    /// A line starting with % is a command. C# has no statement that starts with %, so nothing the
    /// engines could run is taken for one.
    /// </summary>
    public static MagicCommand? Parse(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith('%')) return null;
        var space = text.IndexOfAny([' ', '\t']);
        return space < 0
            ? new MagicCommand(text[1..].ToLowerInvariant(), "")
            : new MagicCommand(text[1..space].ToLowerInvariant(), text[(space + 1)..].Trim());
    }

    /// <summary>The argument's names, separated by spaces or commas (<c>%push a b</c>, <c>%pull a,b</c>).</summary>
    public IReadOnlyList<string> Names => Argument.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
