using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Grains.Hub;
using Orleans.Parallel.Grains.Hub.Store;
using Orleans.Parallel.Grains.Hub.Store.Postgres;
using Orleans.Parallel.Grains.Bulk;
using Orleans.Parallel.Grains.Code;
using Orleans.Parallel.Grains.Execution;
using Orleans.Parallel.Grains.Execution.Scripts;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Orleans.Parallel.Hosting;

/// <summary>Adds Orleans.Parallel to a silo.</summary>
public static class ParallelSiloBuilderExtensions
{
    /// <summary>
    /// Hosts engines on this silo, with what they need: code execution, the bulk listener for large
    /// arrays, the silo's load-balanced task queue (<see cref="AddParallelScheduler"/> sets its options) and
    /// the hub's task records (<see cref="AddParallelHub"/> chooses their store). The silo's grains can
    /// inject <see cref="ParallelClient"/> to send work to the engines. The silo must say how it is secured
    /// (<c>UseClusterSecurity</c>), as every client must.
    /// </summary>
    public static ISiloBuilder AddParallelEngines(this ISiloBuilder builder, Action<EngineOptions>? configure = null)
    {
        var services = builder.Services;
        if (configure is not null) services.Configure(configure);
        else services.AddOptions<EngineOptions>();
        services.AddSingleton<Grains.Telemetry.ParallelMetrics>();
        services.AddSingleton<IAssemblySource, AssemblyStore>();
        services.AddSingleton<SessionCodeRegistry>();
        services.AddSingleton<FunctionMaterializer>();
        services.AddSingleton<ScriptCompiler>();
        services.AddSingleton<TaskExecutor>();
        services.AddSingleton<Grains.Engine.EngineThreads>(); // user code runs here, on threads shared by the silo's engines
        // …or, for isolated engines, in processes of their own, set as the engine options say.
        services.AddOptions<Grains.Isolation.EngineProcessOptions>().Configure<IOptions<EngineOptions>>((processes, engines) =>
            (processes.Isolation, processes.MemoryLimit, processes.TaskCpuLimit) = (engines.Value.Isolation, engines.Value.EngineMemoryLimit, engines.Value.TaskCpuLimit));
        services.AddSingleton<Grains.Isolation.EngineProcesses>();
        services.AddSingleton<Grains.Checkpoints.ICheckpointStore, Grains.Checkpoints.CheckpointGrains>();
        services.AddSingleton<Grains.Checkpoints.NamespaceCheckpoints>();
        services.AddSingleton<OutputPublisher>();
        AddOutputStreams(builder);
        AddRegistryServices(builder);
        services.AddOptions<BulkOptions>();
        services.AddSingleton<BulkInbox>();
        services.AddSingleton<BulkOutbox>();
        services.AddSingleton<BulkValues>();
        services.AddSingleton<IWireValues>(sp => sp.GetRequiredService<BulkValues>());
        services.AddSingleton<BulkServer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<BulkServer>());
        // The silo's task queue is a silo service (engines here report to it by method call); its
        // grain is placed on the silo its key names. Registered with the engines, which depend on it.
        AddHubServices(services);
        services.AddSingleton<Grains.Engine.ReplyOutbox>(); // one-way task replies, batched per client
        services.AddSingleton<Grains.Scheduling.SiloTaskQueue>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Grains.Scheduling.SiloTaskQueue>());
        services.AddPlacementDirector<Grains.Scheduling.Placement.SiloBoundPlacement, Grains.Scheduling.Placement.SiloBoundPlacementDirector>();
        services.AddSingleton<EngineHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EngineHost>());
        // The silo's own client, which the user's grains inject to send work to the engines.
        services.AddSingleton<SiloParallelClient>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloParallelClient>());
        services.AddSingleton(sp => sp.GetRequiredService<SiloParallelClient>().Client);
        return builder;
    }

    /// <summary>
    /// Chooses where this silo writes task records (<see cref="TaskStoreOptions"/>: in memory by
    /// default, PostgreSQL, or none) and their limits. Every silo of a cluster should say the same.
    /// </summary>
    public static ISiloBuilder AddParallelHub(this ISiloBuilder builder, Action<TaskStoreOptions> configure)
    {
        AddHubServices(builder.Services);
        AddRegistryServices(builder);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// The stream provider live output travels on: memory streams, unless the host added its own
    /// provider under <see cref="Engine.OutputStreams.Provider"/>; and the grain storage Orleans keeps
    /// their subscriptions in, unless the host has one.
    /// </summary>
    private static void AddOutputStreams(ISiloBuilder builder)
    {
        bool Has(string name) => builder.Services.Any(s => s.IsKeyedService && Equals(s.ServiceKey, name));
        if (!Has(Engine.OutputStreams.Provider)) builder.AddMemoryStreams(Engine.OutputStreams.Provider);
        if (!Has(Engine.OutputStreams.PubSubStore)) builder.AddMemoryGrainStorage(Engine.OutputStreams.PubSubStore);
    }

    /// <summary>
    /// What keeps the engine registry right when silos die: the storage its list outlives a silo in
    /// (Orleans' memory storage, unless the host named its own <see cref="Grains.DurableStorage"/>),
    /// this silo's engines, and the watcher that reports dead silos.
    /// </summary>
    private static void AddRegistryServices(ISiloBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(Grains.Registry.SiloDeathWatcher))) return;
        if (!services.Any(s => s.IsKeyedService && Equals(s.ServiceKey, Grains.DurableStorage.Name))) builder.AddMemoryGrainStorage(Grains.DurableStorage.Name);
        // With Orleans' default directory, a silo's death also deactivates every activation whose
        // directory entry that silo held: engines on the survivors lost their namespaces (the
        // registry-death test showed it). The distributed directory hands its entries over instead, so
        // only the dead silo's own engines are lost. Orleans 10 marks it experimental (ORLEANSEXP003).
#pragma warning disable ORLEANSEXP003
        builder.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        services.AddSingleton<Grains.Registry.LocalEngines>();
        services.AddSingleton<Grains.Registry.SiloDeathWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Grains.Registry.SiloDeathWatcher>());
        builder.AddIncomingGrainCallFilter<Grains.Security.SiloOnlyCallFilter>(); // [SiloOnly] methods refuse clients' calls
    }

    /// <summary>The hub's silo side: the task recorder and the store it writes to (once, whoever asks first).</summary>
    private static void AddHubServices(IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(TaskRecorder))) return;
        services.AddOptions<TaskStoreOptions>().Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.AddSingleton<ITaskStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TaskStoreOptions>>().Value;
            return options.Kind switch
            {
                TaskStoreOptions.Postgres => new PostgresTaskStore(options, sp.GetRequiredService<Orleans.Serialization.Serializer>()),
                _ => new GrainTaskStore(sp.GetRequiredService<IGrainFactory>()),
            };
        });
        services.AddSingleton<TaskRecorder>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TaskRecorder>());
    }

    /// <summary>Runs this silo's load-balanced task queue with <paramref name="configure"/>d options (default: leastload, high-water mark 1).</summary>
    public static ISiloBuilder AddParallelScheduler(this ISiloBuilder builder, Action<Grains.Scheduling.SchedulerOptions>? configure = null)
    {
        var options = builder.Services.AddOptions<Grains.Scheduling.SchedulerOptions>();
        if (configure is not null) options.Configure(configure);
        options.Validate(o =>
        {
            o.Validate();
            return true;
        });
        return builder;
    }
}
