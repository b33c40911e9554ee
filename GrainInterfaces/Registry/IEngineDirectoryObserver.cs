namespace Orleans.Parallel.Registry;

/// <summary>A client's ear on the engine registry: told of every engine that registers or leaves.</summary>
[Alias("op.IEngineDirectoryObserver")]
public interface IEngineDirectoryObserver : IGrainObserver
{
    /// <summary>The registry's list changed; <paramref name="directory"/> is the new one.</summary>
    [Orleans.Concurrency.OneWay, Alias("Changed")]
    Task OnEnginesChangedAsync(EngineDirectory directory);
}
