using Microsoft.Extensions.DependencyInjection;
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
    /// <summary>Hosts engines on this silo (and the code-execution services they need).</summary>
    public static ISiloBuilder AddParallelEngines(this ISiloBuilder builder, Action<EngineOptions>? configure = null)
    {
        var services = builder.Services;
        if (configure is not null) services.Configure(configure);
        else services.AddOptions<EngineOptions>();
        services.AddSingleton<SessionCodeRegistry>();
        services.AddSingleton<FunctionMaterializer>();
        services.AddSingleton<ScriptCompiler>();
        services.AddSingleton<TaskExecutor>();
        services.AddOptions<BulkOptions>();
        services.AddSingleton<BulkInbox>();
        services.AddSingleton<BulkOutbox>();
        services.AddSingleton<BulkValues>();
        services.AddSingleton<BulkServer>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<BulkServer>());
        // The silo's task queue is a silo service (engines here report to it by method call); its
        // grain is placed on the silo its key names. Registered with the engines, which depend on it.
        services.AddSingleton<Grains.Engine.ReplyOutbox>(); // one-way task replies, batched per client
        services.AddSingleton<Grains.Scheduling.SiloTaskQueue>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<Grains.Scheduling.SiloTaskQueue>());
        services.AddPlacementDirector<Grains.Scheduling.Placement.SiloBoundPlacement, Grains.Scheduling.Placement.SiloBoundPlacementDirector>();
        services.AddSingleton<EngineHost>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EngineHost>());
        return builder;
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
