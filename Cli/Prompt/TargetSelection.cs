namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// Which engines a line runs on: every engine (as the cluster has them at each line, so engines that
/// join later are included), or the listed ids. Written <c>all</c> or <c>0,2</c> (also <c>0 2</c>
/// and ranges <c>0-3</c>).
/// </summary>
internal sealed record TargetSelection(IReadOnlyList<int>? Ids)
{
    public static TargetSelection All { get; } = new((IReadOnlyList<int>?)null);

    public bool IsAll => Ids is null;

    /// <exception cref="FormatException">The text is neither <c>all</c> nor a list of engine ids.</exception>
    public static TargetSelection Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("all", StringComparison.OrdinalIgnoreCase)) return All;
        var ids = new List<int>();
        foreach (var part in trimmed.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', 1);
            if (dash > 0 && int.TryParse(part[..dash], out var from) && int.TryParse(part[(dash + 1)..], out var to) && from >= 0 && to >= from)
                ids.AddRange(Enumerable.Range(from, to - from + 1));
            else if (int.TryParse(part, out var id) && id >= 0)
                ids.Add(id);
            else
                throw new FormatException($"'{part}' is not an engine id: write all, or ids such as 0,2 or 0-3.");
        }
        return new TargetSelection(ids.Distinct().ToArray());
    }

    public override string ToString() => Ids is null ? "all" : string.Join(",", Ids);
}
