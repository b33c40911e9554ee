namespace Orleans.Parallel.Results;

/// <summary>How <see cref="AsyncResult.DisplayOutputs(OutputGrouping)"/> orders the tasks' output (ipyparallel's <c>groupby</c>).</summary>
public enum OutputGrouping
{
    /// <summary>Every task's stdout in task order, then every task's stderr (ipyparallel's default, <c>groupby="type"</c>).</summary>
    Type,

    /// <summary>Engine by engine, in order of first appearance: each of its tasks' stdout, then stderr (<c>groupby="engine"</c>).</summary>
    Engine,
}
