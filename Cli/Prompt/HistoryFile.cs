using System.Text.Json;

namespace Orleans.Parallel.Cli.Prompt;

/// <summary>
/// The prompt's history across sessions: one JSON string a line (a block keeps its line breaks
/// inside one entry), the newest last, trimmed to <see cref="Limit"/> entries as it is read.
/// </summary>
internal sealed class HistoryFile(string path)
{
    public const int Limit = 1000;

    public string Path { get; } = path;

    /// <summary>The file's entries, oldest first; lines that are not JSON strings (a torn write) are skipped.</summary>
    public IReadOnlyList<string> Read()
    {
        if (!File.Exists(Path)) return [];
        var entries = new List<string>();
        foreach (var line in File.ReadLines(Path))
        {
            try
            {
                if (JsonSerializer.Deserialize<string>(line) is { } entry) entries.Add(entry);
            }
            catch (JsonException)
            {
            }
        }
        return entries.Count > Limit ? entries.GetRange(entries.Count - Limit, Limit) : entries;
    }

    /// <summary>Appends one entry; a history that cannot be written must not stop the prompt, so failures are dropped.</summary>
    public void Append(string entry)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.AppendAllText(Path, JsonSerializer.Serialize(entry) + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
