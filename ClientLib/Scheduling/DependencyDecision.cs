namespace Orleans.Parallel.Scheduling;

/// <summary>
/// What a task's <c>After</c> and <c>Follow</c> dependencies decide, given how the tasks they name
/// ended: wait, run (on which engines), or never (why). Pure set logic, as in ipyparallel's scheduler.
/// </summary>
internal readonly record struct DependencyDecision(bool Ready, IReadOnlyList<int>? Targets, string? Impossible)
{
    private static readonly DependencyDecision Wait = new(false, null, null);

    /// <param name="taskId">The task the dependencies are for (named in messages).</param>
    /// <param name="after">Run only once these are done.</param>
    /// <param name="follow">Run only where these ran.</param>
    /// <param name="ended">Tasks that ended: whether each succeeded and the engine that ran it (-1 if none did).</param>
    /// <param name="viewTargets">The engines the view may use; null for any.</param>
    public static DependencyDecision Decide(Guid taskId, Dependency? after, Dependency? follow,
        IReadOnlyDictionary<Guid, (bool Ok, int Engine)> ended, IReadOnlyList<int>? viewTargets)
    {
        var succeeded = ended.Where(e => e.Value.Ok).Select(e => e.Key).ToHashSet();
        var failed = ended.Where(e => !e.Value.Ok).Select(e => e.Key).ToHashSet();
        if (after is not null && after.IsUnreachable(succeeded, failed))
            return Never($"its After dependency {after} can no longer be met ({Outcomes(after, succeeded, failed)})");
        if (follow is not null && follow.IsUnreachable(succeeded, failed))
            return Never($"its Follow dependency {follow} can no longer be met ({Outcomes(follow, succeeded, failed)})");
        if (after?.IsMet(succeeded, failed) == false || follow?.IsMet(succeeded, failed) == false) return Wait;
        if (follow is null || follow.MsgIds.Count == 0) return new(true, viewTargets, null);

        var counted = follow.MsgIds.Where(id => (follow.Success && succeeded.Contains(id)) || (follow.Failure && failed.Contains(id)));
        var engines = counted.Select(id => ended[id].Engine).Where(e => e >= 0).Distinct().Order().ToArray();
        if (follow.All && engines.Length > 1)
            return Never($"it follows all of tasks that ran on different engines [{string.Join(", ", engines)}]");
        var targets = viewTargets is null ? engines : engines.Where(viewTargets.Contains).ToArray();
        if (targets.Length == 0)
            return Never(engines.Length == 0
                ? "the tasks it follows never ran on an engine"
                : $"the tasks it follows ran on engines [{string.Join(", ", engines)}], which its view may not use");
        return new(true, targets, null);

        DependencyDecision Never(string why) => new(false, null, $"Task {taskId} cannot run: {why}.");
    }

    private static string Outcomes(Dependency dependency, HashSet<Guid> succeeded, HashSet<Guid> failed) =>
        $"{dependency.MsgIds.Count(succeeded.Contains)} succeeded, {dependency.MsgIds.Count(failed.Contains)} failed";
}
