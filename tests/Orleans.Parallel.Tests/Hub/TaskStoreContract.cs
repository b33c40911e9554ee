using Orleans.Parallel.Grains.Hub.Store;

namespace Orleans.Parallel.Tests.Hub;

/// <summary>
/// What every task store must do, run against each store (memory, PostgreSQL) by a class that
/// derives from this one and says how to make a fresh, empty store.
/// </summary>
public abstract class TaskStoreContract
{
    /// <summary>A new store holding no records.</summary>
    protected abstract Task<ITaskStore> CreateStoreAsync();
}
