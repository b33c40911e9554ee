using Orleans.Parallel.Executors;

namespace Orleans.Parallel;

public sealed partial class ParallelClient
{
    /// <summary>
    /// A task executor over a load-balanced view of every engine (ipyparallel's <c>rc.executor()</c>):
    /// <c>SubmitAsync</c> and <c>MapAsync</c>, disposed to wait for what was submitted. See <see cref="ClusterExecutor"/>.
    /// </summary>
    public ClusterExecutor Executor() => LoadBalancedView().Executor();
}
