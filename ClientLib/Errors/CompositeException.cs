namespace Orleans.Parallel.Errors;

/// <summary>Several tasks of one result failed; <see cref="Errors"/> lists each with its engine.</summary>
public sealed class CompositeException(IReadOnlyList<Exception> errors)
    : AggregateException(Describe(errors), errors)
{
    private readonly string _message = Describe(errors);

    /// <summary>The failures, in the order of the result's messages.</summary>
    public IReadOnlyList<Exception> Errors { get; } = errors;

    /// <summary>Each failure once (<see cref="AggregateException"/>'s own message would append every inner message a second time).</summary>
    public override string Message => _message;

    private static string Describe(IReadOnlyList<Exception> errors) =>
        $"{errors.Count} task(s) failed:\n" + string.Join("\n", errors.Select(e => "  " + e.Message));
}
