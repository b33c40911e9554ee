namespace Orleans.Parallel.Engine;

/// <summary>The client side of task submission: engines report every finished task here.</summary>
[Alias("op.ITaskObserver")]
public interface ITaskObserver : IGrainObserver
{
    /// <summary>A task ended (ok, error or aborted).</summary>
    [Alias("Completed")]
    Task OnTaskCompletedAsync(TaskReply reply);
}
