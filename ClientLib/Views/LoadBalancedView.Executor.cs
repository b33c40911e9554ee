using Orleans.Parallel.Executors;

namespace Orleans.Parallel.Views;

public sealed partial class LoadBalancedView
{
    /// <summary>
    /// A task executor whose tasks go through this view, with its flags (ipyparallel's <c>lview.executor</c>):
    /// <c>SubmitAsync</c> and <c>MapAsync</c>, disposed to wait for what was submitted. See <see cref="ClusterExecutor"/>.
    /// </summary>
    public ClusterExecutor Executor() => new(this);
}
