using Orleans.Parallel.Results;

namespace Orleans.Parallel.Scheduling;

/// <summary>
/// Tasks a load-balanced task depends on (ipyparallel's <c>Dependency</c>): given as AsyncResults or
/// message ids, with <see cref="All"/> (every one, or any one) and which outcomes count
/// (<see cref="Success"/>, <see cref="Failure"/>). Used as <c>After</c> (run once they are done) and
/// <c>Follow</c> (run on the engine where they ran). An AsyncResult converts to one implicitly:
/// <c>lb.With(after: ar)</c>.
/// </summary>
public sealed class Dependency
{
    /// <summary>Depends on every task behind these results.</summary>
    public Dependency(params AsyncResult[] results)
    {
        ArgumentNullException.ThrowIfNull(results);
        Messages = results.SelectMany(r => (r ?? throw new ArgumentNullException(nameof(results), "A dependency cannot be a null result.")).Messages).ToArray();
        MsgIds = Messages.Select(m => m.MsgId).ToArray();
    }

    /// <summary>Depends on the tasks with these message ids (this client's, from <see cref="AsyncResult.MsgIds"/>).</summary>
    public Dependency(IEnumerable<Guid> msgIds)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        MsgIds = msgIds.Distinct().ToArray();
    }

    /// <summary>No dependency: to clear a view's <c>After</c> or <c>Follow</c> with <c>With</c>.</summary>
    public static Dependency None { get; } = new(Array.Empty<Guid>());

    /// <summary>The message ids depended on.</summary>
    public IReadOnlyList<Guid> MsgIds { get; }

    /// <summary>True (default): every task must count; false: any one is enough.</summary>
    public bool All { get; init; } = true;

    /// <summary>Whether a task that succeeded counts. Default true.</summary>
    public bool Success { get; init; } = true;

    /// <summary>Whether a task that failed counts. Default false.</summary>
    public bool Failure { get; init; }

    /// <summary>The client's messages for these tasks, when given as results.</summary>
    internal IReadOnlyList<PendingMessage>? Messages { get; }

    /// <summary>Whether the dependency is met, given the tasks that succeeded and those that failed.</summary>
    public bool IsMet(IReadOnlySet<Guid> succeeded, IReadOnlySet<Guid> failed)
    {
        if (MsgIds.Count == 0) return true;
        bool Counts(Guid id) => (Success && succeeded.Contains(id)) || (Failure && failed.Contains(id));
        return All ? MsgIds.All(Counts) : MsgIds.Any(Counts);
    }

    /// <summary>Whether the dependency can no longer be met, given the tasks that succeeded and those that failed.</summary>
    public bool IsUnreachable(IReadOnlySet<Guid> succeeded, IReadOnlySet<Guid> failed)
    {
        if (MsgIds.Count == 0) return false;
        bool Spoiled(Guid id) => (!Success && succeeded.Contains(id)) || (!Failure && failed.Contains(id));
        return All ? MsgIds.Any(Spoiled) : MsgIds.All(Spoiled);
    }

    /// <summary>Depends on every task behind <paramref name="result"/>.</summary>
    public static implicit operator Dependency(AsyncResult result) => new(result);

    /// <inheritdoc />
    public override string ToString() =>
        $"<Dependency {(All ? "all" : "any")} of {MsgIds.Count} ({(Success ? "success" : "")}{(Success && Failure ? "|" : "")}{(Failure ? "failure" : "")})>";
}
