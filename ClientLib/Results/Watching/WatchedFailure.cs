using Orleans.Parallel.Errors;

namespace Orleans.Parallel.Results.Watching;

/// <summary>One failure a watch reports: the engine it happened on (null when no engine had the task) and its error's first line.</summary>
internal sealed record WatchedFailure(int? EngineId, string Text)
{
    /// <summary>"[engine 2] map item 7: System.InvalidOperationException: boom".</summary>
    public string Line => Text.StartsWith("[engine ", StringComparison.Ordinal) ? Text
        : $"[engine {(EngineId is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}] {Text}";

    /// <summary>
    /// A failure from a task's error. The cluster's errors already begin with their engine
    /// ("[engine 2] …"); others get <paramref name="engineId"/> (the task's engine, -1 for none) and their type's name.
    /// </summary>
    public static WatchedFailure Of(Exception error, int engineId)
    {
        var engine = error switch
        {
            RemoteException remote => remote.EngineId,
            EngineException engineError => engineError.EngineId,
            TaskAbortedException aborted => aborted.EngineId,
            _ => engineId,
        };
        var first = FirstLine(error.Message);
        var text = first.StartsWith("[engine ", StringComparison.Ordinal) ? first : $"{error.GetType().Name}: {first}";
        return new WatchedFailure(engine >= 0 ? engine : null, text);
    }

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? text : text[..end];
    }
}
