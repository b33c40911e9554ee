using Orleans.Parallel.Engine;
using Orleans.Parallel.Grains.Execution.Scripts;

namespace Orleans.Parallel.Grains.Execution;

/// <summary>Turns an exception raised on the engine into a <see cref="RemoteError"/>.</summary>
internal static class RemoteErrors
{
    public static RemoteError From(Exception e)
    {
        if (e is MapItemException item) return From(item.InnerException!) with { Item = item.Index };
        if (e is AggregateException { InnerExceptions.Count: 1 } single) e = single.InnerException!;
        var diagnostics = e is ScriptCompilationException compile ? compile.Diagnostics : [];
        return new RemoteError(e.GetType().FullName ?? e.GetType().Name, e.Message, e.ToString(), diagnostics);
    }
}
