namespace Orleans.Parallel;

/// <summary>Which of the asked tasks are still pending and which have ended (ipyparallel's <c>result_status</c>).</summary>
/// <param name="Pending">Tasks not ended yet, in the order asked.</param>
/// <param name="Completed">Tasks that ended (ok, error or aborted), in the order asked.</param>
public sealed record ResultStatus(IReadOnlyList<Guid> Pending, IReadOnlyList<Guid> Completed);
